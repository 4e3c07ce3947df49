// Package twoengines keeps SQLite's queries and PostgreSQL's in one
// package, as services that support both do.
package twoengines

import "database/sql"

// Undeclared: the default database's (SQLite in the test).
func sqliteQueries(db *sql.DB) {
	db.Exec("INSERT OR IGNORE INTO users (id, email) VALUES (?, ?)", 1, "a")
	db.Exec("SELECT nope FROM users") // want `no such column: nope`
}
