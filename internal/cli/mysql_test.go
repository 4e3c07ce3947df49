package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/testdb"
)

// Every command on a mysql:// URL against MariaDB, with sqlx-cli's words
// and exit codes: database create/setup/reset/drop, migrate add/run/info/
// check/revert/override skip, schema; a migration failing after DDL and
// the dirty row it leaves, named by info, check and run; --force refused.
func TestMySQLCommands(t *testing.T) {
	srv := testdb.MySQL(t)
	url := srv.URL("dbprep_cli_" + strings.ReplaceAll(t.Name(), "/", "_"))
	dir := project(t, map[string]string{
		"migrations/1_users.up.sql":   "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL);\nINSERT INTO users VALUES (1, 'a' || 'b');\n",
		"migrations/1_users.down.sql": "DROP TABLE users;\n",
		"migrations/2_posts.up.sql":   "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
		"migrations/2_posts.down.sql": "DROP TABLE posts;\n",
	})
	c := cmd{Dir: dir, Env: []string{"DATABASE_URL=" + url}}
	c.Run(t, "database", "drop", "-y").Want(t, 0)
	c.Run(t, "database", "setup").Want(t, 0, "Applied 1/migrate users", "Applied 2/migrate posts")
	c.Run(t, "migrate", "info").Want(t, 0, "1/installed users", "2/installed posts")
	c.Run(t, "migrate", "check").Want(t, 0, "up to date")
	var name string
	srv.Query(t, strings.TrimPrefix(url[strings.LastIndex(url, "/"):], "/")).QueryRow("SELECT name FROM users").Scan(&name)
	if name != "ab" {
		t.Errorf("|| in a migration gave %q: sqlx's session makes it concatenate", name)
	}
	c.Run(t, "migrate", "revert").Want(t, 0, "Applied 2/revert posts")
	c.Run(t, "migrate", "info").Want(t, 0, "2/pending posts")
	c.Run(t, "migrate", "override", "skip").Want(t, 0, "Skipped on request 2/migrate posts")
	c.Run(t, "schema").Want(t, 0, "CREATE TABLE `users`", "INSERT INTO _sqlx_migrations")

	// A migration that fails after DDL: the DDL stays, the row is dirty,
	// and every command says so.
	os.WriteFile(filepath.Join(dir, "migrations", "3_half.sql"), []byte("CREATE TABLE half (id INT);\nINSERT INTO nope VALUES (1);\n"), 0o644)
	c.Run(t, "migrate", "run").Want(t, 1, "while executing migration 3 (migrations/3_half.sql)", "MySQL commits each DDL statement",
		"DELETE FROM _sqlx_migrations WHERE version = 3", "UPDATE _sqlx_migrations SET success = TRUE WHERE version = 3")
	c.Run(t, "migrate", "info").Want(t, 0, "3/dirty")
	c.Run(t, "migrate", "check").Want(t, 3, "dirty: migration 3 is partially applied")
	c.Run(t, "migrate", "run").Want(t, 1, "migration 3 is partially applied; fix and remove row from `_sqlx_migrations` table", "MySQL commits a migration's DDL")

	c.Run(t, "database", "drop", "-y", "--force").Want(t, 1, "Only PostgreSQL")
	c.Run(t, "database", "reset", "-y").Want(t, 1, "while executing migration 3")
	c.Run(t, "database", "drop", "-y").Want(t, 0)
	c.Run(t, "migrate", "info", "-D", srv.URL("")).Want(t, 1, "no default database")
}

// A workspace with a MySQL member beside a SQLite one: each member its
// own URL variable and engine.
func TestWorkspaceMySQLMember(t *testing.T) {
	srv := testdb.MySQL(t)
	db := srv.Fresh(t)
	dir := project(t, map[string]string{
		"Cargo.toml":                  "[workspace]\nmembers = [\"shop\", \"audit\"]\n",
		"shop/Cargo.toml":             "[package]\nname = \"shop\"\n",
		"shop/sqlx.toml":              "[common]\ndatabase-url-var = \"SHOP_DATABASE_URL\"\n",
		"shop/migrations/1_order.sql": "CREATE TABLE orders (id BIGINT PRIMARY KEY);\n",
		"audit/Cargo.toml":            "[package]\nname = \"audit\"\n",
		"audit/migrations/1_log.sql":  "CREATE TABLE log (id INTEGER PRIMARY KEY);\n",
	})
	c := cmd{Dir: dir, Env: []string{"SHOP_DATABASE_URL=" + srv.URL(db), "DATABASE_URL=sqlite:" + filepath.Join(dir, "audit.db") + "?mode=rwc"}}
	c.Run(t, "migrate", "run", "--workspace").Want(t, 0, "shop: Applied 1/migrate order", "audit: Applied 1/migrate log")
	c.Run(t, "migrate", "check", "--workspace").Want(t, 0)
	if !strings.Contains(c.Run(t, "migrate", "info", "--workspace").Stdout, "shop: 1/installed order") {
		t.Error("the MySQL member's ledger")
	}
}
