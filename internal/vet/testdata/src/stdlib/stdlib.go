package stdlib

import (
	"context"
	"database/sql"
)

func good(ctx context.Context, db *sql.DB, tx *sql.Tx, conn *sql.Conn, id int64) error {
	var email string
	var n int64
	if err := db.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&email); err != nil {
		return err
	}
	db.QueryRowContext(ctx, "SELECT count(*) FROM posts WHERE user_id = $1 OR $1 = 0", id).Scan(&n) // $1 twice: one parameter
	tx.ExecContext(ctx, "UPDATE users SET name = $1 WHERE id = $2", "x", id)
	conn.QueryContext(ctx, "SELECT id, title FROM posts WHERE title <> '?' AND title <> '$2'") // placeholders inside literals are text
	db.Exec(`CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT);
		INSERT INTO tags (id, name) VALUES (1, 'a');
		CREATE INDEX tags_name ON tags (name)`) // a script: later statements see earlier DDL
	stmt, _ := db.Prepare("DELETE FROM posts WHERE id = $1")
	_ = stmt
	rows, err := db.Query("SELECT id, email FROM users")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id, &email)
	}
	return nil
}

func bad(ctx context.Context, db *sql.DB, tx *sql.Tx, id int64) {
	var email string
	db.QueryRow("SELECT email FROM nope WHERE id = $1", id).Scan(&email) // want `no such table: nope|relation "nope" does not exist`
	db.Exec(`UPDATE users SET emial = $1 WHERE id = $2`, "x", id)        // want `no such column: emial|column "emial" of relation "users" does not exist`
	db.Exec(`UPDATE users
		SET name = $1 WHERE WHERE id = $2`, "x", id) // want `syntax error`
	tx.QueryContext(ctx, "SELEC id FROM users")                               // want `syntax error`
	db.ExecContext(ctx, "DELETE FROM users WHERE id = $1")                    // want `the query has 1 parameter but the call passes 0 arguments`
	db.QueryRow("SELECT id, email FROM users WHERE id = $1", id).Scan(&email) // want `Scan has 1 destination for 2 columns`
	rows, _ := db.Query("SELECT id FROM users")
	for rows.Next() {
		var a, b int64
		rows.Scan(&a, &b) // want `Scan has 2 destinations for 1 column`
	}
	db.Exec("SELECT nosuchfunc(1)") // want `no such function: nosuchfunc|function nosuchfunc\(integer\) does not exist`
	// A query that starts on a line of its own is quoted from its first
	// line with content on, enough of it to recognise.
	db.QueryRow(`
		select
			id, email
		from users
		where id = $1`, id).Scan(&email) // want `Scan has 1 destination for 2 columns \(query "select id, email from users where id = \$1"\)`
}

// A query written with ? placeholders is SQLite's (or MySQL's): checked
// against SQLite, skipped against PostgreSQL, where it could never prepare
// (a test's own in-memory SQLite table, say), never reported there.
func questionMarks(db *sql.DB) {
	db.Query("SELECT id FROM users WHERE id = ?", 1)
}

func dynamic(db *sql.DB, table string) {
	db.Exec("DELETE FROM " + table) // built at run time: skipped
	q := "SELECT 1"
	for i := 0; i < 3; i++ {
		q += " UNION SELECT 1"
	}
	db.Query(q) // built in a loop: skipped
}
