DROP TABLE partner_links;
ALTER TABLE letters DROP COLUMN show_partner_tally;
DROP INDEX signatures_via_member;
ALTER TABLE signatures DROP COLUMN share_with_member;
ALTER TABLE signatures DROP COLUMN via_member_id;
DROP INDEX members_code;
ALTER TABLE members DROP COLUMN code;
