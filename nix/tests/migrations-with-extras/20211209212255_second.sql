ALTER TABLE users ADD favorite_color TEXT;
