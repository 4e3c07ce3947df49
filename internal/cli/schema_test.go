package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dbprep/dbprep/internal/testdb"
)

var schemaMigrations = map[string]string{
	"migrations/1_tables.sql": "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n" +
		"CREATE TABLE books (id INTEGER PRIMARY KEY, author INTEGER REFERENCES authors (id), title TEXT);\n",
	"migrations/2_more.sql": "CREATE INDEX books_by_author ON books (author);\n" +
		"CREATE VIEW titles AS SELECT title FROM books;\nCREATE VIEW a_titles AS SELECT title FROM titles WHERE title LIKE 'a%';\n" +
		"CREATE TABLE audit (what TEXT);\n",
	"migrations/3_trigger.sql": "CREATE TRIGGER books_audit AFTER INSERT ON books BEGIN INSERT INTO audit VALUES (NEW.title); END;\n",
}

// The schema is byte-stable, loads into an empty database to give the same
// schema, and --check fails with a unified diff when the file is stale.
func TestSchemaSQLite(t *testing.T) {
	dir := project(t, schemaMigrations)
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=sqlite:db.sqlite3"}}
	c.Run(t, "database", "setup").Want(t, 0)
	first := c.Run(t, "schema")
	first.Want(t, 0, "CREATE TABLE authors", "CREATE VIEW a_titles", "CREATE TRIGGER books_audit", "(3, 'trigger', TRUE, X'")
	if second := c.Run(t, "schema"); second.Stdout != first.Stdout {
		t.Error("two dumps of one database differ")
	}
	if strings.Index(first.Stdout, "CREATE VIEW titles") > strings.Index(first.Stdout, "CREATE VIEW a_titles") {
		t.Error("a view must come after the view it reads")
	}
	// Load the dump into an empty database: the same schema comes out.
	empty := filepath.Join(dir, "loaded.sqlite3")
	db := testdb.OpenSQLite(t, empty)
	if _, err := db.Exec(first.Stdout); err != nil {
		t.Fatalf("loading the dump: %v", err)
	}
	db.Close()
	cmd{Dir: dir}.Run(t, "schema", "-D", "sqlite:"+empty).Want(t, 0)
	if loaded := (cmd{Dir: dir}).Run(t, "schema", "-D", "sqlite:"+empty); loaded.Stdout != first.Stdout {
		t.Errorf("the loaded dump's schema differs:\n%s\nvs\n%s", loaded.Stdout, first.Stdout)
	}
	// A prepared database gives the same schema as a migrated one.
	out := filepath.Join(dir, "prepared.sqlite3")
	c.Run(t, "prepare", "--out", out).Want(t, 0)
	if p := c.Run(t, "schema", "-D", "sqlite:"+out+"?mode=ro"); p.Stdout != first.Stdout {
		t.Errorf("prepared and migrated schemas differ:\n%s", p.Stdout)
	}
	// --out, then --check: equal, then stale with a diff.
	file := filepath.Join(dir, "schema.sql")
	c.Run(t, "schema", "--out", file).Want(t, 0)
	if string(readFile(t, file)) != first.Stdout {
		t.Error("--out wrote something else")
	}
	c.Run(t, "schema", "--check", file).Want(t, 0)
	os.WriteFile(filepath.Join(dir, "migrations/4_col.sql"), []byte("ALTER TABLE authors ADD born INTEGER;\n"), 0o644)
	c.Run(t, "migrate", "run").Want(t, 0)
	c.Run(t, "schema", "--check", file).Want(t, 1, "--- "+file, "+++ database", "-CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
		"+CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER)", "+    (4, 'col', TRUE", "the schema differs from")
}

// On PostgreSQL the schema comes from pg_dump, without the lines that
// change from run to run, and loads into an empty database.
func TestSchemaPostgres(t *testing.T) {
	srv := testdb.Postgres(t)
	url := srv.Fresh(t)
	dir := project(t, map[string]string{
		"migrations/1_tables.sql": "CREATE TABLE authors (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);\n" +
			"CREATE TABLE books (id BIGSERIAL PRIMARY KEY, author BIGINT REFERENCES authors (id), title TEXT);\n" +
			"CREATE INDEX books_by_author ON books (author);\nCREATE VIEW titles AS SELECT title FROM books;\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
	c.Run(t, "migrate", "run").Want(t, 0)
	first := c.Run(t, "schema")
	first.Want(t, 0, "CREATE TABLE public.authors", "CREATE VIEW public.titles", "(1, 'tables', TRUE, '\\x")
	for _, volatile := range []string{"Dumped from", "Dumped by", `\restrict`, srv.Password} {
		if strings.Contains(first.Stdout, volatile) {
			t.Errorf("the dump holds %q", volatile)
		}
	}
	if second := c.Run(t, "schema"); second.Stdout != first.Stdout {
		t.Error("two dumps of one database differ")
	}
	other := srv.Fresh(t)
	conn, err := pgx.Connect(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), first.Stdout); err != nil {
		t.Fatalf("loading the dump: %v", err)
	}
	conn.Close(context.Background())
	if loaded := (cmd{Dir: dir, Env: []string{"DATABASE_URL=" + other}}).Run(t, "schema"); loaded.Stdout != first.Stdout {
		t.Errorf("the loaded dump's schema differs:\n%s\nvs\n%s", loaded.Stdout, first.Stdout)
	}
	c.Env = append(c.Env, "PATH=/nonexistent")
	c.Run(t, "schema").Want(t, 1, "pg_dump is not on PATH")
}
