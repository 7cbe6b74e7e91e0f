ALTER TABLE letters DROP COLUMN invites_skip_approval;
ALTER TABLE signatures DROP COLUMN list_position;
ALTER TABLE signatures DROP COLUMN rejected_by;
ALTER TABLE signatures DROP COLUMN approved_by;
ALTER TABLE signatures DROP COLUMN invite_id;
ALTER TABLE tokens DROP COLUMN invite_id;
DROP TABLE invites;
DROP TABLE members;
