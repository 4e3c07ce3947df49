// Command mycrate is the classic sqlx example application, in Go: it applies
// its embedded migrations to DATABASE_URL on start-up (the same ledger as
// sqlx::migrate!().run()) and counts the users whose favourite colour is green.
package main

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"
	"os"

	"github.com/dbprep/dbprep/sqlxmigrate"

	_ "github.com/go-sql-driver/mysql" // mysql:// and mariadb:// URLs
	_ "github.com/jackc/pgx/v5/stdlib" // postgres:// URLs
	_ "modernc.org/sqlite"             // sqlite: URLs
)

//go:embed migrations
var migrations embed.FS

const defaultURL = "sqlite:./db.sqlite3"

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func databaseURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return defaultURL
}

func run(ctx context.Context, out io.Writer) error {
	url := databaseURL()
	db, dialect, err := sqlxmigrate.Connect(ctx, url, sqlxmigrate.Options{CreateIfMissing: true})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := sqlxmigrate.New(db, dialect, migrations, sqlxmigrate.Options{})
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return err
	}
	n, err := greenUsers(ctx, db)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "number of users: %d\n", n)
	return err
}

// greenUsers is the query sqlx's query! macro checks at compile time in the
// Rust original; here the tests check it against DATABASE_URL's schema. $1
// is a parameter in SQLite and PostgreSQL alike.
func greenUsers(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	// A literal, not a placeholder: $1 (SQLite, PostgreSQL) and ? (MySQL)
	// are each another engine's syntax error, and the example runs on all three.
	err := db.QueryRowContext(ctx, "SELECT count(*) AS count FROM users WHERE favorite_color = 'green'").Scan(&n)
	return n, err
}
