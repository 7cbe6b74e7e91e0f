-- Failed sign-ins, kept in the database so that every instance counts the same failures
-- (in memory, N instances allowed N times the guesses).
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_account ON login_failures(account, failed_at);
