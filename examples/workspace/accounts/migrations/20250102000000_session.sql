CREATE TABLE session (
    session_token TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (account_id)
);
