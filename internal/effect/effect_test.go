package effect_test

import (
	"context"
	"github.com/dbprep/dbprep/internal/engine/mysql"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/effect"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const release = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER, note VARCHAR(40));\n" +
	"CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);\nCREATE TABLE old (x INTEGER);\n"

// resolve writes files into a new directory and resolves it.
func resolve(t *testing.T, files map[string]string) []migration.Migration {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := migration.ResolveDir(dir, migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// check runs the effect rules and returns "file rule severity" lines.
func check(t *testing.T, scratch dburl.URL, now map[string]string) []string {
	t.Helper()
	all := map[string]string{"1_release.sql": release}
	for k, v := range now {
		all[k] = v
	}
	findings, err := effect.Check(context.Background(), effect.Config{Engines: engines.Set{sqlite.Engine, postgres.Engine, mysql.Engine},
		Scratch: scratch, Released: resolve(t, map[string]string{"1_release.sql": release}), Current: resolve(t, all),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, filepath.Base(f.File)+" "+f.Rule+" "+string(f.Severity))
		if !strings.Contains(f.Message, "released") && f.Rule != "fails-on-release" {
			t.Errorf("%s: the message does not say what was released: %s", f.File, f.Message)
		}
	}
	return got
}

// The effect rules on SQLite (a throwaway file): a dropped column, a
// renamed column and table, a NOT NULL column without a default, a dropped
// table acknowledged in its migration, a dropped table; a new table
// changes freely; a migration that fails stops the check there.
func TestEffectsSQLite(t *testing.T) {
	got := check(t, dburl.URL{}, map[string]string{
		"2_drop_email.sql":   "ALTER TABLE users DROP COLUMN email;\n",
		"3_rename_name.sql":  "ALTER TABLE users RENAME COLUMN name TO full_name;\n",
		"4_rename_table.sql": "ALTER TABLE old RENAME TO older;\n",
		"5_fresh.sql":        "CREATE TABLE fresh (a INTEGER);\nALTER TABLE fresh ADD COLUMN b TEXT NOT NULL DEFAULT 'x';\nALTER TABLE fresh DROP COLUMN a;\n",
		"6_default_ok.sql":   "ALTER TABLE posts ADD COLUMN author TEXT NOT NULL DEFAULT '';\n",
		"7_drop_allowed.sql": "-- dbprep:allow destructive no version ever read posts\nDROP TABLE posts;\n",
		"8_notnull_body.sql": "ALTER TABLE users ADD COLUMN body TEXT NOT NULL;\n",
		"9_drop_users.sql":   "DROP TABLE users;\n",
		"10_fails.sql":       "ALTER TABLE nosuch ADD COLUMN x INTEGER;\n",
		"11_never_run.sql":   "DROP TABLE old;\n",
	})
	want := []string{
		"2_drop_email.sql destructive error",
		"3_rename_name.sql breaks-running-app error",
		"4_rename_table.sql breaks-running-app error",
		"7_drop_allowed.sql destructive allowed",
		"8_notnull_body.sql breaks-running-app error",
		"9_drop_users.sql destructive error",
		"10_fails.sql fails-on-release warning",
	}
	wantFindings(t, got, want)
}

// The same on PostgreSQL (a throwaway database on a real server), where a
// NOT NULL column without a default can be added (and breaks the running
// app's inserts) and types change in place: integer to bigint rewrites the
// table; a longer varchar changes the catalog alone, and is not reported.
func TestEffectsPostgres(t *testing.T) {
	u, err := dburl.Parse(testdb.Postgres(t).URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	got := check(t, u, map[string]string{
		"2_drop_email.sql":  "ALTER TABLE users DROP COLUMN email;\n",
		"3_rename_name.sql": "ALTER TABLE users RENAME COLUMN name TO full_name;\n",
		"4_widen.sql":       "ALTER TABLE users ALTER COLUMN age TYPE bigint;\nALTER TABLE users ALTER COLUMN note TYPE varchar(80);\n",
		"5_narrow.sql":      "ALTER TABLE users ALTER COLUMN note TYPE varchar(10);\n",
		"6_notnull.sql":     "ALTER TABLE posts ADD COLUMN body TEXT NOT NULL;\n",
		"7_set_notnull.sql": "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;\n",
		"8_fresh.sql":       "CREATE TABLE fresh (a INTEGER);\nALTER TABLE fresh ADD COLUMN b TEXT NOT NULL;\nCREATE INDEX fresh_a ON fresh (a);\n",
		"9_index.sql":       "CREATE INDEX users_age ON public.users (age);\n",
		"10_index_ok.sql":   "-- no-transaction\nCREATE INDEX CONCURRENTLY users_name ON users (full_name);\n",
		"11_fk.sql":         "ALTER TABLE posts ADD COLUMN user_id INTEGER;\nALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id);\n",
		"12_fk_ok.sql":      "ALTER TABLE posts ADD CONSTRAINT posts_title CHECK (title <> '') NOT VALID;\n",
		"13_allowed.sql":    "-- dbprep:allow locks-table posts holds a hundred rows\nCREATE UNIQUE INDEX posts_title_u ON posts (title);\n",
		"14_volatile.sql":   "ALTER TABLE posts ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
		"15_stable_ok.sql":  "ALTER TABLE posts ADD COLUMN created timestamptz NOT NULL DEFAULT now();\n",
		"16_serial.sql":     "ALTER TABLE users ADD COLUMN seq bigserial;\n",
	})
	want := []string{
		"2_drop_email.sql destructive error",
		"3_rename_name.sql breaks-running-app error",
		"4_widen.sql rewrites-table warning",
		"5_narrow.sql destructive error",
		"6_notnull.sql breaks-running-app error",
		"7_set_notnull.sql breaks-running-app warning",
		"9_index.sql locks-table error",
		"11_fk.sql locks-table error",
		"13_allowed.sql locks-table allowed",
		"14_volatile.sql locks-table error",
		"16_serial.sql locks-table error",
	}
	wantFindings(t, got, want)
}

// The same on MySQL (a throwaway database on a real MariaDB, dropped
// afterwards): a dropped and a renamed column, a renamed table, widened
// types (int to bigint, varchar to a longer one and to text: MySQL copies
// the table), a narrowed one, a NOT NULL column added without a default
// (MySQL fills old rows, but the running app's inserts fail), MODIFY …
// NOT NULL, a new table changed freely, and a migration failing on the
// release. MySQL's locks are not judged (no rule reads its DDL text).
func TestEffectsMySQL(t *testing.T) {
	srv := testdb.MySQL(t)
	u, err := dburl.Parse(srv.URL("unused"))
	if err != nil {
		t.Fatal(err)
	}
	got := check(t, u, map[string]string{
		"2_drop_email.sql":  "ALTER TABLE users DROP COLUMN email;\n",
		"3_rename_name.sql": "ALTER TABLE users RENAME COLUMN name TO full_name;\n",
		"4_widen.sql":       "ALTER TABLE users MODIFY age BIGINT;\nALTER TABLE users MODIFY note VARCHAR(80);\n",
		"5_narrow.sql":      "ALTER TABLE users MODIFY note VARCHAR(10);\n",
		"6_notnull.sql":     "ALTER TABLE posts ADD COLUMN body TEXT NOT NULL;\n",
		"7_set_notnull.sql": "ALTER TABLE posts MODIFY title TEXT NOT NULL;\n",
		"8_fresh.sql":       "CREATE TABLE fresh (a INTEGER);\nALTER TABLE fresh ADD COLUMN b TEXT NOT NULL;\nALTER TABLE fresh DROP COLUMN a;\n",
		"9_default_ok.sql":  "ALTER TABLE posts ADD COLUMN author VARCHAR(20) NOT NULL DEFAULT '';\nALTER TABLE posts ADD COLUMN n INTEGER AUTO_INCREMENT UNIQUE;\n",
		"10_rename_tab.sql": "RENAME TABLE old TO older;\n",
		"11_to_text.sql":    "ALTER TABLE users MODIFY note MEDIUMTEXT;\n",
		"12_fails.sql":      "ALTER TABLE nosuch ADD COLUMN x INTEGER;\n",
		"13_never_run.sql":  "DROP TABLE old;\n",
	})
	want := []string{
		"2_drop_email.sql destructive error",
		"3_rename_name.sql breaks-running-app error",
		"4_widen.sql rewrites-table warning",
		"4_widen.sql rewrites-table warning",
		"5_narrow.sql destructive error",
		"6_notnull.sql breaks-running-app error",
		"7_set_notnull.sql breaks-running-app warning",
		"10_rename_tab.sql breaks-running-app error",
		"11_to_text.sql rewrites-table warning",
		"12_fails.sql fails-on-release error",
	}
	wantFindings(t, got, want)
	// The throwaway databases are gone.
	var left int
	if err := srv.Query(t, "").QueryRow("SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'dbprep\\_lint\\_%'").Scan(&left); err != nil || left != 0 {
		t.Errorf("throwaway databases left: %d (%v)", left, err)
	}
}

func wantFindings(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
