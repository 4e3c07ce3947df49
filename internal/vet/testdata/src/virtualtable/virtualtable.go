// Package virtualtable reads a column of an FTS5 table, which cannot be
// declared NOT NULL: its NULL-ability is unknown, never reported.
package virtualtable

import "database/sql"

func search(db *sql.DB) {
	var body string
	db.QueryRow("SELECT body FROM docs WHERE docs MATCH ?", "x").Scan(&body)
	var name string
	db.QueryRow("SELECT name FROM users WHERE id = ?", 1).Scan(&name) // want `column "name" can be NULL`
}
