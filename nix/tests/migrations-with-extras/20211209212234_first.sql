CREATE TABLE users (favorite_song TEXT);
