CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT,
    active BOOLEAN NOT NULL DEFAULT FALSE,
    bio TEXT DEFAULT ''
);
CREATE TABLE posts (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL
);
