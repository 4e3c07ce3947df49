package nullstrict

import "database/sql"

// With --null=strict, a column without NOT NULL is reported even when it
// has a DEFAULT (sqlx's rule).
func strict(db *sql.DB, id int64) {
	var s string
	db.QueryRow("SELECT bio FROM users WHERE id = $1", id).Scan(&s)   // want `column "bio" can be NULL \(users.bio has no NOT NULL \(it has a DEFAULT\)\)`
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&s)  // want `column "name" can be NULL \(users.name has no NOT NULL\)`
	db.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&s) // NOT NULL
}
