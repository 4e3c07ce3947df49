package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDotenvPrecedence(t *testing.T) {
	root := project(t, map[string]string{
		".env":                   "DATABASE_URL=sqlite:from-dotenv.db?mode=rwc\n",
		"app/migrations/1_a.sql": "CREATE TABLE a (x);\n",
	})
	app := filepath.Join(root, "app")
	cmd{Dir: app}.Run(t, "migrate", "run").Want(t, 0, "Applied 1/migrate a")
	if _, err := os.Stat(filepath.Join(app, "from-dotenv.db")); err != nil {
		t.Error(".env of a parent directory must be loaded")
	}
	cmd{Dir: app, Env: []string{"DATABASE_URL=sqlite:from-env.db?mode=rwc"}}.Run(t, "migrate", "run").Want(t, 0, "Applied 1/migrate a")
	if _, err := os.Stat(filepath.Join(app, "from-env.db")); err != nil {
		t.Error("the environment must win over .env")
	}
	cmd{Dir: app}.Run(t, "migrate", "run", "-D", "sqlite:from-flag.db?mode=rwc").Want(t, 0)
	if _, err := os.Stat(filepath.Join(app, "from-flag.db")); err != nil {
		t.Error("-D must win over everything")
	}
	r := cmd{Dir: app}.Run(t, "migrate", "run", "--no-dotenv")
	r.Want(t, 1, "no database URL: pass --database-url (-D) or set DATABASE_URL")

	os.WriteFile(filepath.Join(root, ".env"), []byte("DATABASE_URL=sqlite:x.db\nNOT A LINE\n"), 0o644)
	cmd{Dir: app}.Run(t, "migrate", "info").Want(t, 1, filepath.Join(root, ".env")+":2:", "pass --no-dotenv")
	cmd{Dir: app}.Run(t, "--no-dotenv", "migrate", "run", "-D", "sqlite:from-flag.db", "--no-dotenv").Want(t, 0)
}

func TestSqlxToml(t *testing.T) {
	dir := project(t, map[string]string{
		"sqlx.toml":      "[common]\ndatabase-url-var = \"APP_DB\"\n[migrate]\ntable-name = \"app_ledger\"\nmigrations-dir = \"db/mig\"\nignored-chars = [\"\\r\"]\n",
		"db/mig/1_a.sql": "CREATE TABLE a (x);\r\n",
	})
	c := cmd{Dir: dir, Env: []string{"APP_DB=sqlite:app.db?mode=rwc"}}
	c.Run(t, "migrate", "run").Want(t, 0, "Applied 1/migrate a")
	os.WriteFile(filepath.Join(dir, "db/mig/1_a.sql"), []byte("CREATE TABLE a (x);\n"), 0o644)
	c.Run(t, "migrate", "check").Want(t, 0, "up to date: 1 migrations applied")
	r := cmd{Dir: dir}.Run(t, "migrate", "run")
	r.Want(t, 1, "or set APP_DB")
	cmd{Dir: dir, Env: c.Env}.Run(t, "--config", "/dev/null", "migrate", "run").Want(t, 1, "migrations directory migrations")
	os.WriteFile(filepath.Join(dir, "sqlx.toml"), []byte("[migrate]\ntable-name = \"x; DROP TABLE a\"\n"), 0o644)
	c.Run(t, "migrate", "info").Want(t, 1, "sqlx.toml", "table-name")
}

func TestUsageAndURLErrors(t *testing.T) {
	dir := project(t, twoMigrations)
	c := cmd{Dir: dir}
	c.Run(t, "migrate", "run", "--bogus").Want(t, 2, "flag provided but not defined: -bogus")
	c.Run(t, "migrate", "run", "stray").Want(t, 2, `unexpected argument "stray"`)
	c.Run(t, "nosuchcommand").Want(t, 2)
	c.Run(t, "migrate", "run", "-D", "oracle://localhost/x").Want(t, 1, `unsupported database URL scheme "oracle"`)
	c.Run(t, "migrate", "run", "-D", "sqlite:x.db?journal=wal").Want(t, 1, "unknown query parameter `journal`")
	c.Run(t, "migrate", "info", "--format", "yaml", "-D", "sqlite::memory:").Want(t, 2, "--format")
	c.Run(t, "--version").Want(t, 0, "dbprep version")
}

// A password in a database URL never reaches any output.
func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "S3cr3t-p4ss-9731"
	dir := project(t, twoMigrations)
	urls := []string{
		"postgres://alice:" + secret + "@127.0.0.1:1/app",
		"postgres://alice:" + secret + "@127.0.0.1:notaport/app",
		"postgresql://127.0.0.1/app?password=" + secret,
		"mysql://alice:" + secret + "@127.0.0.1:1/app",
		"mariadb://alice:S3cr3t?p4ss-9731@127.0.0.1:1/app",
		"sqlite:x.db?password=" + secret,
		// Reserved characters left unencoded: no piece of the password
		// may show either.
		"postgres://alice:S3cr3t?p4ss-9731@127.0.0.1:1/app",
		"postgres://alice:S3cr3t/p4ss-9731@127.0.0.1:1/app",
		"postgres://alice:S3cr3t#p4ss-9731@127.0.0.1:1/app",
		"postgres://alice:65432?p4ss-9731@127.0.0.1:1/app",
		"postgres://alice:S3cr3t%p4ss-9731@127.0.0.1:1/app",
	}
	pieces := []string{secret, "S3cr3t", "p4ss-9731", "65432"}
	commands := [][]string{
		{"migrate", "run"}, {"migrate", "info"}, {"migrate", "info", "--format", "json"}, {"migrate", "check"},
		{"migrate", "revert"}, {"database", "create"}, {"database", "drop", "-y"}, {"database", "setup"}, {"database", "reset", "-y"},
	}
	for _, u := range urls {
		for _, args := range commands {
			for _, c := range []cmd{{Dir: dir, Env: []string{"DATABASE_URL=" + u}}, {Dir: dir}} {
				args := append(append([]string{}, args...), "--connect-timeout", "200ms")
				if len(c.Env) == 0 {
					args = append(args, "-D", u)
				}
				r := c.Run(t, args...)
				for _, p := range pieces {
					if strings.Contains(r.Stdout+r.Stderr, p) {
						t.Errorf("dbprep %s with %s printed %q of the password:\n%s", strings.Join(args, " "), u, p, r)
					}
				}
				if r.Code == 0 {
					t.Errorf("dbprep %s with %s succeeded?\n%s", strings.Join(args, " "), u, r)
				}
			}
		}
	}
}
