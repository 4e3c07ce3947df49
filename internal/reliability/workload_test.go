package reliability

import (
	"fmt"
	"strings"
)

// workload is a migrations directory that creates, alters, inserts (enough
// rows to take a while) and, last, fails. SQL that both SQLite and
// PostgreSQL run.
func workload(n int) map[string]string {
	return workloadWith(n, "CREATE TABLE %[1]s (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"+
		"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 4000)\n"+
		"INSERT INTO %[1]s (id, v) SELECT n, 'row ' || n FROM s;\n")
}

// workloadWith is workload whose first step per table is create (%[1]s:
// the table), in an engine's SQL.
func workloadWith(n int, create string) map[string]string {
	files := map[string]string{}
	for i := 1; i <= n; i++ {
		t := fmt.Sprintf("t%d", (i-1)/4)
		var sql string
		switch (i - 1) % 4 {
		case 0:
			sql = fmt.Sprintf(create, t)
		case 1:
			sql = fmt.Sprintf("ALTER TABLE %s ADD COLUMN w INTEGER DEFAULT 7;\nUPDATE %s SET w = id * 2;\n", t, t)
		case 2:
			sql = fmt.Sprintf("CREATE INDEX %s_v ON %s (v);\nDELETE FROM %s WHERE id %% 3 = 0;\n", t, t, t)
		default:
			sql = fmt.Sprintf("CREATE VIEW %s_small AS SELECT id, v FROM %s WHERE id < 10;\n", t, t)
		}
		files[fmt.Sprintf("migrations/%04d_step_%d.sql", i, i)] = sql
	}
	files[fmt.Sprintf("migrations/%04d_fails.sql", n+1)] = "CREATE TABLE doomed (x INTEGER);\nINSERT INTO nonexistent VALUES (1);\n"
	return files
}

// versionsUpTo lists 1..k as the ledger would hold them.
func versionsUpTo(k int) string {
	var b strings.Builder
	for i := 1; i <= k; i++ {
		fmt.Fprintf(&b, "%d,", i)
	}
	return b.String()
}
