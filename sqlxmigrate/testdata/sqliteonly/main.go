// A SQLite-only program: sqlxmigrate and modernc's driver, nothing else.
// TestDependencies checks that it does not link pgx.
package main

import (
	"context"
	"database/sql"
	"embed"

	"github.com/dbprep/dbprep/sqlxmigrate"

	_ "modernc.org/sqlite"
)

//go:embed migrations
var migrations embed.FS

func main() {
	db, err := sql.Open("sqlite", "file:app.db")
	if err != nil {
		panic(err)
	}
	p, err := sqlxmigrate.New(db, sqlxmigrate.SQLite, migrations, sqlxmigrate.Options{})
	if err != nil {
		panic(err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		panic(err)
	}
}
