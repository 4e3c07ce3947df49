package sqlshape

import (
	"testing"

	"github.com/dbprep/dbprep/internal/sqllex"
)

func TestOuterSide(t *testing.T) {
	for _, tt := range []struct {
		sql, table      string
		known, nullable bool
		by              string
	}{
		{"SELECT u.name, o.total FROM users u LEFT JOIN orders o ON o.user_id = u.id", "orders", true, true, "LEFT JOIN on orders"},
		{"SELECT u.name, o.total FROM users u LEFT OUTER JOIN orders AS o ON o.user_id = u.id", "users", true, false, ""},
		{"select * from main.users u right join orders o using (id)", "users", true, true, "RIGHT JOIN on orders"},
		{"SELECT a.x FROM a FULL JOIN b ON a.id = b.id", "a", true, true, "FULL JOIN on b"},
		{"SELECT a.x FROM a FULL JOIN b ON a.id = b.id", "B", true, true, "FULL JOIN on b"},
		{"SELECT a.x FROM a JOIN b ON a.id = b.id LEFT JOIN c ON c.id = b.id", "b", true, false, ""},
		{`SELECT "Orders".x FROM a LEFT JOIN "Orders" ON true`, "orders", true, true, "LEFT JOIN on orders"},
		{"SELECT x FROM a, b LEFT JOIN c ON c.id = b.id", "c", true, true, "LEFT JOIN on c"},
		// A table on both sides, a subquery, a CTE, a set operation: not known.
		{"SELECT p.name FROM people p LEFT JOIN people boss ON boss.id = p.boss_id", "people", false, false, ""},
		{"SELECT x FROM (SELECT x FROM a) s LEFT JOIN b ON true", "b", false, false, ""},
		{"WITH s AS (SELECT 1) SELECT x FROM a LEFT JOIN b ON true", "b", false, false, ""},
		{"SELECT x FROM a LEFT JOIN b ON true UNION SELECT y FROM c", "b", false, false, ""},
		{"SELECT x FROM a", "b", false, false, ""},
	} {
		r, known := Read(tt.sql, sqllex.SQLite).OuterSide(tt.table)
		if known != tt.known || r.Nullable != tt.nullable || r.NullableBy != tt.by {
			t.Errorf("%s: OuterSide(%s) = %+v, %v; want known %v, nullable %v by %q", tt.sql, tt.table, r, known, tt.known, tt.nullable, tt.by)
		}
	}
}

func TestItems(t *testing.T) {
	for _, tt := range []struct {
		sql     string
		aggs    []string // nil: Items unknown
		grouped bool
	}{
		{"SELECT max(created_at), count(*), MIN(x) AS first, sum(y) s, 1 FROM t", []string{"max", "", "min", "sum", ""}, false},
		{"SELECT max(x) + 1, coalesce(max(x), 0), max(x) FILTER (WHERE y) FROM t", []string{"", "", ""}, false},
		{"SELECT k, max(x) FROM t GROUP BY k", []string{"", "max"}, true},
		{"SELECT DISTINCT name FROM t", []string{""}, false},
		{"SELECT t.*, max(x) FROM t", nil, false},
		{"SELECT * FROM t", nil, false},
		{"INSERT INTO t (x) VALUES (1) RETURNING x", nil, false},
	} {
		s := Read(tt.sql, sqllex.Postgres)
		if tt.aggs == nil {
			if s.Items != nil {
				t.Errorf("%s: items %+v, want none", tt.sql, s.Items)
			}
			continue
		}
		if len(s.Items) != len(tt.aggs) || s.Grouped != tt.grouped {
			t.Errorf("%s: items %+v grouped %v", tt.sql, s.Items, s.Grouped)
			continue
		}
		for i, a := range tt.aggs {
			if s.Items[i].Aggregate != a {
				t.Errorf("%s: item %d is %q, want %q", tt.sql, i, s.Items[i].Aggregate, a)
			}
		}
	}
}

func TestFiltered(t *testing.T) {
	s := Read("SELECT u.email, u.name FROM users u JOIN orders o ON o.owner = u.id WHERE u.email IS NOT NULL ORDER BY u.name", sqllex.SQLite)
	for col, want := range map[string]bool{"email": true, "owner": false, "name": false, "EMAIL": true} {
		if s.Filtered(col) != want {
			t.Errorf("Filtered(%s) = %v", col, !want)
		}
	}
	for col, want := range map[string]bool{"email": false, "owner": true, "id": true, "name": false} {
		if s.Joined(col) != want {
			t.Errorf("Joined(%s) = %v", col, !want)
		}
	}
	if !s.Plain || s.HasOuterJoin() {
		t.Errorf("plain %v, outer %v", s.Plain, s.HasOuterJoin())
	}
	s = Read("SELECT x FROM (SELECT x FROM a LEFT JOIN b ON a.k = b.k WHERE b.y > 0) s", sqllex.SQLite)
	if s.Plain || !s.HasOuterJoin() || !s.Filtered("y") || s.Filtered("x") {
		t.Errorf("subquery: %+v", s)
	}
}
