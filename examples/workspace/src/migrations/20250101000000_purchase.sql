CREATE TABLE purchase (
    purchase_id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL,
    payment_id BIGINT
);
