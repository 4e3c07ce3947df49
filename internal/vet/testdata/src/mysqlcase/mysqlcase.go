// Package mysqlcase is MySQL's queries (? placeholders, backquotes, ||
// as sqlx's session reads it), checked against MariaDB.
package mysqlcase

import (
	"context"
	"database/sql"
)

func good(ctx context.Context, db *sql.DB, tx *sql.Tx, id int64) error {
	var email string
	var n int64
	if err := db.QueryRow("SELECT email FROM users WHERE id = ?", id).Scan(&email); err != nil {
		return err
	}
	db.QueryRowContext(ctx, "SELECT count(*) FROM posts WHERE user_id = ? OR ? = 0", id, id).Scan(&n)
	tx.ExecContext(ctx, "UPDATE `users` SET name = ? WHERE id = ?", "x", id)
	db.QueryRow("SELECT email || '!' FROM users WHERE id = ?", id).Scan(&email) // || concatenates in sqlx's session
	var bio string
	db.QueryRow("SELECT bio FROM users WHERE id = ?", id).Scan(&bio) // DEFAULT '': reported with --null=strict only
	rows, err := db.Query("SELECT id, email FROM users")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id, &email)
	}
	db.Exec("INSERT INTO posts (id, user_id, title) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE title = VALUES(title)", 1, id, "t")
	return nil
}

func bad(ctx context.Context, db *sql.DB, tx *sql.Tx, id int64) {
	var email, name string
	db.QueryRow("SELECT email FROM nope WHERE id = ?", id).Scan(&email)      // want `Table '.*\.nope' doesn't exist`
	db.Exec("UPDATE users SET emial = ? WHERE id = ?", "x", id)              // want `Unknown column 'emial'`
	tx.QueryContext(ctx, "SELEC id FROM users")                              // want `error in your SQL syntax`
	db.ExecContext(ctx, "DELETE FROM users WHERE id = ?")                    // want `the query has 1 parameter but the call passes 0 arguments`
	db.QueryRow("SELECT id, email FROM users WHERE id = ?", id).Scan(&email) // want `Scan has 1 destination for 2 columns`
	db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&name)       // want `column "name" can be NULL \(users.name has no NOT NULL\), and Scan into \*string fails on NULL`
	var title string
	db.QueryRow("SELECT p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.id = ?", id).Scan(&title) // want `column "title" can be NULL`
	db.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&email)                                            // another engine's placeholder: skipped, never reported
}
