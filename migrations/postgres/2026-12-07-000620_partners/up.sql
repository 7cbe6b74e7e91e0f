-- The address a member's download link was emailed to. The audit log names it for every
-- issue, revocation and download (the member's contact may have changed since), and a link
-- whose member's contact is no longer this address does not open. Links issued before this
-- take the member's contact of now, the address they were sent to unless it changed. Only a
-- nullable column is added, so the release before works on (NULL: issued by that release,
-- read as the member's current contact).
ALTER TABLE partner_links ADD COLUMN sent_to TEXT;
UPDATE partner_links
SET sent_to = (SELECT members.email FROM members WHERE members.id = partner_links.member_id);
