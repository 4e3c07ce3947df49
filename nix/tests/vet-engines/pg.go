package main

//dbprep:engine postgres

import "database/sql"

// now is PostgreSQL's: SQLite has no ::text cast.
func now(db *sql.DB) string {
	var s string
	db.QueryRow("SELECT now()::text FROM users WHERE favorite_song ILIKE $1", "x").Scan(&s)
	return s
}
