package sqlite_test

import (
	"context"
	"errors"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/migration"
)

// A failed SQLite migration's error names the line and column of the file
// where it arose, as PostgreSQL's do, and the database is as it was.
func TestSQLiteErrorPosition(t *testing.T) {
	tests := []struct {
		sql, msg  string
		line, col int
	}{
		{"CREATE TABLE tags (x);\n-- a comment\nINSERT INTO tags\n  SELECT * FROM tagz;\n", "no such table: tagz", 4, 17},
		{"CREATE TABLE t (x);\nSELEKT 1;\n", `near "SELEKT": syntax error`, 2, 1},
		{"CREATE TABLE t (x);\nCREATE TABLE t (y);\n", "table t already exists", 2, 14},
		{"CREATE TABLE t (x);\nINSERT INTO t VALUES (nosuch(1));\n", "no such function: nosuch", 2, 23},
		{"CREATE TABLE té (x);\nSELECT é, zz FROM té;\n", "no such column: é", 2, 8},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "db.sqlite3")
			st, err := sqlite.Open(context.Background(), sqlite.Config{URL: dburl.SQLiteOptions{Path: path, Mode: "rwc"}})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.EnsureLedger(context.Background()); err != nil {
				t.Fatal(err)
			}
			m := &migration.Migration{Name: migration.Name{Version: 1, Description: "a"}, File: "1_a.sql", SQL: tt.sql}
			_, err = st.Apply(context.Background(), m, nil)
			var se *sqlite.Error
			if !errors.As(err, &se) || se.Line != tt.line || se.Column != tt.col || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Apply = %v (%+v), want %q at %d:%d", err, se, tt.msg, tt.line, tt.col)
			}
			var n int
			if err := sqlite.Conn(st).QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_master WHERE tbl_name <> '_sqlx_migrations'").Scan(&n); err != nil || n != 0 {
				t.Errorf("the failed migration left %d objects (%v)", n, err)
			}
		})
	}
}
