package twoengines

//dbprep:engine mysql

import "database/sql"

// MySQL's queries: checked against a MySQL database when one is given
// (--engine-url mysql=URL), never against SQLite's or PostgreSQL's, where
// each is an error.
func mysqlQueries(db *sql.DB) {
	db.Exec("SELECT `id` FROM users WHERE 1 AND MATCH(email) AGAINST (?)", "a")
	db.Exec("INSERT INTO users (id, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email)", 1, "a")
}
