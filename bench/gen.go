// Package bench measures dbprep against the sqlite3 command line on the
// same generated migrations. Run ./bench/run.sh (or go test -bench . ./bench).
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Migration i of a generated directory: every fifth creates a table with an
// index, the others alter it, seed rows, add a view or a trigger.
func migrationSQL(i int) string {
	t := fmt.Sprintf("t%d", i/5)
	switch i % 5 {
	case 0:
		return fmt.Sprintf("CREATE TABLE %s (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    counter INTEGER NOT NULL DEFAULT 0\n);\nCREATE INDEX %s_name ON %s (name);\n", t, t, t)
	case 1:
		return fmt.Sprintf("ALTER TABLE %s ADD COLUMN note TEXT;\nALTER TABLE %s ADD COLUMN score REAL NOT NULL DEFAULT 0;\n", t, t)
	case 2:
		var b strings.Builder
		for r := 0; r < 20; r++ {
			fmt.Fprintf(&b, "INSERT INTO %s (name, note, score) VALUES ('row %d of %s', 'seed', %d.5);\n", t, r, t, r)
		}
		return b.String()
	case 3:
		return fmt.Sprintf("CREATE VIEW %s_top AS SELECT name, score FROM %s WHERE score > 10 ORDER BY score DESC;\n", t, t)
	default:
		return fmt.Sprintf("CREATE TRIGGER %s_count AFTER UPDATE OF score ON %s\nBEGIN\n    UPDATE %s SET counter = counter + 1 WHERE id = NEW.id;\nEND;\n", t, t, t)
	}
}

// postgresSQL is migration i for PostgreSQL: the same schema as
// migrationSQL, in PostgreSQL's words (serial keys, a trigger function).
func postgresSQL(i int) string {
	t := fmt.Sprintf("t%d", i/5)
	switch i % 5 {
	case 0:
		return fmt.Sprintf("CREATE TABLE %s (\n    id SERIAL PRIMARY KEY,\n    name TEXT NOT NULL,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    counter INTEGER NOT NULL DEFAULT 0\n);\nCREATE INDEX %s_name ON %s (name);\n", t, t, t)
	case 4:
		return fmt.Sprintf("CREATE FUNCTION %s_count() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE %s SET counter = counter + 1 WHERE id = NEW.id;\n    RETURN NEW;\nEND $$;\n"+
			"CREATE TRIGGER %s_count AFTER UPDATE OF score ON %s FOR EACH ROW EXECUTE FUNCTION %s_count();\n", t, t, t, t, t)
	}
	return migrationSQL(i)
}

// GeneratePostgres writes n PostgreSQL migrations into dir/migrations and,
// for psql, each.sql: one transaction per migration, in one session.
func GeneratePostgres(dir string, n int) error {
	mig := filepath.Join(dir, "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		return err
	}
	var each strings.Builder
	each.WriteString("\\set ON_ERROR_STOP on\n")
	for i := 0; i < n; i++ {
		sql := postgresSQL(i)
		name := fmt.Sprintf("%014d_step_%d.sql", 20240101000000+i, i)
		if err := os.WriteFile(filepath.Join(mig, name), []byte(sql), 0o644); err != nil {
			return err
		}
		each.WriteString("BEGIN;\n" + sql + "COMMIT;\n")
	}
	return os.WriteFile(filepath.Join(dir, "each.sql"), []byte(each.String()), 0o644)
}

// Generate writes n migrations into dir/migrations and two scripts for the
// sqlite3 command line: all.sql (one transaction in total) and each.sql
// (one transaction per migration).
func Generate(dir string, n int) error {
	mig := filepath.Join(dir, "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		return err
	}
	var all, each strings.Builder
	all.WriteString("BEGIN;\n")
	for i := 0; i < n; i++ {
		sql := migrationSQL(i)
		name := fmt.Sprintf("%014d_step_%d.sql", 20240101000000+i, i)
		if err := os.WriteFile(filepath.Join(mig, name), []byte(sql), 0o644); err != nil {
			return err
		}
		all.WriteString(sql)
		each.WriteString("BEGIN;\n" + sql + "COMMIT;\n")
	}
	all.WriteString("COMMIT;\n")
	if err := os.WriteFile(filepath.Join(dir, "all.sql"), []byte(all.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "each.sql"), []byte(each.String()), 0o644)
}

// mysqlSQL is migration i for MySQL and MariaDB: the same schema as
// migrationSQL, in MySQL's words (AUTO_INCREMENT keys, a one-statement
// trigger: MySQL refuses a trigger that updates its own table).
func mysqlSQL(i int) string {
	t := fmt.Sprintf("t%d", i/5)
	switch i % 5 {
	case 0:
		return fmt.Sprintf("CREATE TABLE %s (\n    id BIGINT AUTO_INCREMENT PRIMARY KEY,\n    name VARCHAR(200) NOT NULL,\n    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    counter INT NOT NULL DEFAULT 0\n);\nCREATE INDEX %s_name ON %s (name);\n", t, t, t)
	case 1:
		return fmt.Sprintf("ALTER TABLE %s ADD COLUMN note TEXT;\nALTER TABLE %s ADD COLUMN score DOUBLE NOT NULL DEFAULT 0;\n", t, t)
	case 4:
		return fmt.Sprintf("CREATE TRIGGER %s_count BEFORE UPDATE ON %s FOR EACH ROW SET NEW.counter = NEW.counter + 1;\n", t, t)
	}
	return migrationSQL(i)
}
