ALTER TABLE signatures DROP COLUMN removed_reason;
ALTER TABLE signatures DROP COLUMN removed_by;
ALTER TABLE signatures DROP COLUMN removed_at;
ALTER TABLE signatures DROP COLUMN hidden_reason;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE staff_sessions;
DROP TABLE staff_users;
