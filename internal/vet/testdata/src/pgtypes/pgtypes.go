package pgtypes

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
)

func types(ctx context.Context, db *sql.DB, conn *pgx.Conn) {
	var n int64
	var s string
	var b bool
	var f float64
	db.QueryRow("SELECT email FROM users LIMIT 1").Scan(&n)                     // database/sql parses text: '114' scans into an int
	db.QueryRow("SELECT id FROM users LIMIT 1").Scan(&b)                        // database/sql takes 0 and 1 for a bool
	db.QueryRow("SELECT active FROM users LIMIT 1").Scan(&n)                    // want `column "active" is bool and cannot be scanned into \*int64`
	conn.QueryRow(ctx, "SELECT email FROM users LIMIT 1").Scan(&n)              // want `column "email" is text and cannot be scanned into \*int64`
	conn.QueryRow(ctx, "SELECT active, id FROM users LIMIT 1").Scan(&n, &b)     // want `column "active" is bool and cannot be scanned into \*int64` `column "id" is int8 and cannot be scanned into \*bool`
	db.QueryRow("SELECT id, email, active FROM users LIMIT 1").Scan(&f, &s, &b) // numbers into float, text into string: fine
	db.QueryRow("SELECT id FROM users LIMIT 1").Scan(&s)                        // a number into a string: database/sql converts it
}

func scripts(ctx context.Context, db *sql.DB, id int64) {
	db.Exec("DELETE FROM posts; DELETE FROM users")                   // several statements without arguments: fine
	db.Exec("DELETE FROM posts WHERE id = $1; DELETE FROM users", id) // want `2 statements in a query with arguments`
	db.Query("SELECT 1; SELECT 2")                                    // want `2 statements in one query`
	db.Exec("SELECT '{\"a\":1}'::jsonb ? 'a'")                        // PostgreSQL's ? operator is not a placeholder
}
