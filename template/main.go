// Command notes counts the notes in DATABASE_URL's database (sqlite:PATH).
package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"

	_ "modernc.org/sqlite"
)

func open() (*sql.DB, error) {
	url := os.Getenv("DATABASE_URL")
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "sqlite:")
	if path == "" || path == url {
		return nil, fmt.Errorf("set DATABASE_URL=sqlite:PATH (nix develop does it for you)")
	}
	return sql.Open("sqlite", "file:"+path)
}

func countNotes(db *sql.DB) (n int, err error) {
	err = db.QueryRow("SELECT count(*) FROM notes WHERE body <> ''").Scan(&n)
	return n, err
}

func main() {
	db, err := open()
	if err == nil {
		var n int
		if n, err = countNotes(db); err == nil {
			fmt.Printf("notes: %d\n", n)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
