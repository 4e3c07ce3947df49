package querycheck_test

import (
	"context"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const schema = `
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, nick TEXT DEFAULT 'x', created_at TIMESTAMP, note TEXT DEFAULT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), total INTEGER NOT NULL);
CREATE VIEW emails AS SELECT email FROM users;
`

type want struct {
	null querycheck.Null
	why  string // a part of Why
}

var (
	notNull = want{querycheck.NotNull, ""}
	unknown = want{querycheck.NullUnknown, ""}
)

func nullable(why string) want { return want{querycheck.Nullable, why} }

// cases are queries and what each result column's Null is, on both engines.
var cases = []struct {
	sql  string
	want []want
}{
	{"SELECT id, name, email, nick FROM users", []want{notNull, notNull, nullable("users.email has no NOT NULL"), {querycheck.NullByDefault, "users.nick has no NOT NULL (it has a DEFAULT)"}}},
	{"SELECT email FROM users WHERE email IS NOT NULL", []want{unknown}},
	{"SELECT note FROM users", []want{nullable("users.note has no NOT NULL")}}, // DEFAULT NULL is no default
	{"SELECT u.email FROM users u JOIN orders o ON o.user_id = u.id AND u.email = 'x'", []want{unknown}},
	{"SELECT u.name, o.total, o.id FROM users u LEFT JOIN orders o ON o.user_id = u.id", []want{notNull, nullable("from the LEFT JOIN on orders"), nullable("from the LEFT JOIN on orders")}},
	{"SELECT u.name, o.total FROM orders o RIGHT JOIN users u ON o.user_id = u.id", []want{notNull, nullable("RIGHT JOIN on users")}},
	{"SELECT u.name, o.total FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE o.total > 10", []want{notNull, unknown}},
	{"SELECT max(created_at), count(*), min(id) AS first FROM users", []want{nullable("max() over no rows is NULL"), unknown, nullable("min() over no rows")}},
	{"SELECT name, max(id) FROM users GROUP BY name", []want{notNull, unknown}},
	{"SELECT coalesce(email, ''), name || '!' FROM users", []want{unknown, unknown}},
	{"SELECT x.email FROM (SELECT email FROM users) x", []want{nullable("users.email has no NOT NULL")}},
	{"SELECT u.name FROM users u LEFT JOIN (SELECT user_id FROM orders) o ON o.user_id = u.id", []want{unknown}},
	{"INSERT INTO users (name) VALUES ('a') RETURNING id", []want{notNull}},
}

func check(t *testing.T, raw string, viewKnown bool) {
	u, err := dburl.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	c, err := engines.Set{sqlite.Engine, postgres.Engine}.Checker(context.Background(), u, querycheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	all := cases
	view := nullable("users.email has no NOT NULL") // SQLite: the view's column is the table's
	if !viewKnown {
		view = unknown // PostgreSQL keeps no NOT NULL for a view's columns
	}
	all = append(all, struct {
		sql  string
		want []want
	}{"SELECT email FROM emails", []want{view}})
	for _, tt := range all {
		r := c.Check(context.Background(), tt.sql)
		if r.Err != nil {
			t.Errorf("%s: %v", tt.sql, r.Err)
			continue
		}
		if len(r.Columns) != len(tt.want) {
			t.Errorf("%s: %d columns", tt.sql, len(r.Columns))
			continue
		}
		for i, w := range tt.want {
			col := r.Columns[i]
			if col.Null != w.null || !strings.Contains(col.Why, w.why) || w.why == "" && col.Why != "" {
				t.Errorf("%s: column %d (%s) is %v %q, want %v %q", tt.sql, i, col.Name, col.Null, col.Why, w.null, w.why)
			}
		}
	}
}

func TestNullSQLite(t *testing.T) {
	o, path := testdb.SQLiteFile(t)
	db := testdb.OpenSQLite(t, o.Path)
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	db.Close()
	check(t, "sqlite:"+path, true)
}

func TestNullPostgres(t *testing.T) {
	s := testdb.Postgres(t)
	raw := s.Fresh(t)
	u, _ := dburl.Parse(raw)
	s.Exec(t, u.Postgres.Database, schema)
	check(t, raw, false)
}
