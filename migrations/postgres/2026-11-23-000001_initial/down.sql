DROP TABLE outbox;
DROP TABLE tokens;
DROP TABLE signatures;
DROP TABLE letter_versions;
DROP TABLE letters;
