package sqlxmigrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/dbprep/dbprep/sqlxmigrate"
)

// Migrations as //go:embed gives them; an fstest.MapFS here.
var exampleMigrations = fstest.MapFS{
	"migrations/20240101000000_users.up.sql":   {Data: []byte("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n")},
	"migrations/20240101000000_users.down.sql": {Data: []byte("DROP TABLE users;\n")},
	"migrations/20240102000000_email.sql":      {Data: []byte("ALTER TABLE users ADD email TEXT;\n")},
}

// exampleDB is a SQLite file in a temporary directory; done closes it and
// removes the directory.
func exampleDB() (db *sql.DB, done func()) {
	dir, _ := os.MkdirTemp("", "sqlxmigrate-example-")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db"))
	if err != nil {
		panic(err)
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }
}

// A service applies its migrations at start-up on the *sql.DB it already has.
func ExampleNew() {
	db, done := exampleDB() // any SQLite driver: here modernc.org/sqlite
	defer done()
	p, err := sqlxmigrate.New(db, sqlxmigrate.SQLite, exampleMigrations, sqlxmigrate.Options{})
	if err != nil {
		panic(err)
	}
	results, err := p.Up(context.Background())
	if err != nil {
		panic(err)
	}
	for _, r := range results {
		fmt.Println("applied", r.Version, r.Description)
	}
	// Output:
	// applied 20240101000000 users
	// applied 20240102000000 email
}

func ExampleProvider_Status() {
	db, done := exampleDB()
	defer done()
	p, _ := sqlxmigrate.New(db, sqlxmigrate.SQLite, exampleMigrations, sqlxmigrate.Options{})
	p.UpTo(context.Background(), 20240101000000)
	statuses, _ := p.Status(context.Background())
	for _, s := range statuses {
		fmt.Println(s.Version, s.State)
	}
	// Output:
	// 20240101000000 installed
	// 20240102000000 pending
}

func ExampleProvider_DownTo() {
	db, done := exampleDB()
	defer done()
	p, _ := sqlxmigrate.New(db, sqlxmigrate.SQLite, exampleMigrations, sqlxmigrate.Options{})
	ctx := context.Background()
	p.Up(ctx)
	// 20240102000000 has no down file: as sqlx, it is passed over.
	results, err := p.DownTo(ctx, 0)
	for _, r := range results {
		fmt.Println("reverted", r.Version, r.Down)
	}
	fmt.Println(err)
	// Output:
	// reverted 20240101000000 true
	// <nil>
}

// Errors answer errors.Is.
func ExampleErrModified() {
	db, done := exampleDB()
	defer done()
	ctx := context.Background()
	p, _ := sqlxmigrate.New(db, sqlxmigrate.SQLite, exampleMigrations, sqlxmigrate.Options{})
	p.Up(ctx)
	edited := fstest.MapFS{}
	for k, v := range exampleMigrations {
		edited[k] = v
	}
	edited["migrations/20240102000000_email.sql"] = &fstest.MapFile{Data: []byte("ALTER TABLE users ADD mail TEXT;\n")}
	p, _ = sqlxmigrate.New(db, sqlxmigrate.SQLite, edited, sqlxmigrate.Options{})
	_, err := p.Up(ctx)
	fmt.Println(errors.Is(err, sqlxmigrate.ErrModified))
	// Output: true
}
