ALTER TABLE partner_links DROP COLUMN sent_to;
