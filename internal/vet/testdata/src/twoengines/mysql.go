package twoengines

//dbprep:engine mysql

import "database/sql"

// MySQL's queries: never checked against SQLite's or PostgreSQL's
// database, where each is an error.
func mysqlQueries(db *sql.DB) {
	db.Exec("SELECT `id` FROM users WHERE 1 AND MATCH(email) AGAINST (?)", "a")
	db.Exec("INSERT INTO users (id, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email)", 1, "a")
}
