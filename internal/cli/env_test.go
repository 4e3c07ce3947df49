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
	cmd{dir: app}.run(t, "migrate", "run").want(t, 0, "Applied 1/migrate a")
	if _, err := os.Stat(filepath.Join(app, "from-dotenv.db")); err != nil {
		t.Error(".env of a parent directory must be loaded")
	}
	cmd{dir: app, env: []string{"DATABASE_URL=sqlite:from-env.db?mode=rwc"}}.run(t, "migrate", "run").want(t, 0, "Applied 1/migrate a")
	if _, err := os.Stat(filepath.Join(app, "from-env.db")); err != nil {
		t.Error("the environment must win over .env")
	}
	cmd{dir: app}.run(t, "migrate", "run", "-D", "sqlite:from-flag.db?mode=rwc").want(t, 0)
	if _, err := os.Stat(filepath.Join(app, "from-flag.db")); err != nil {
		t.Error("-D must win over everything")
	}
	r := cmd{dir: app}.run(t, "migrate", "run", "--no-dotenv")
	r.want(t, 1, "no database URL: pass --database-url (-D) or set DATABASE_URL")

	os.WriteFile(filepath.Join(root, ".env"), []byte("DATABASE_URL=sqlite:x.db\nNOT A LINE\n"), 0o644)
	cmd{dir: app}.run(t, "migrate", "info").want(t, 1, filepath.Join(root, ".env")+":2:", "pass --no-dotenv")
	cmd{dir: app}.run(t, "--no-dotenv", "migrate", "run", "-D", "sqlite:from-flag.db").want(t, 0)
}

func TestSqlxToml(t *testing.T) {
	dir := project(t, map[string]string{
		"sqlx.toml":      "[common]\ndatabase-url-var = \"APP_DB\"\n[migrate]\ntable-name = \"app_ledger\"\nmigrations-dir = \"db/mig\"\nignored-chars = [\"\\r\"]\n",
		"db/mig/1_a.sql": "CREATE TABLE a (x);\r\n",
	})
	c := cmd{dir: dir, env: []string{"APP_DB=sqlite:app.db?mode=rwc"}}
	c.run(t, "migrate", "run").want(t, 0, "Applied 1/migrate a")
	os.WriteFile(filepath.Join(dir, "db/mig/1_a.sql"), []byte("CREATE TABLE a (x);\n"), 0o644)
	c.run(t, "migrate", "check").want(t, 0, "up to date: 1 migrations applied")
	r := cmd{dir: dir}.run(t, "migrate", "run")
	r.want(t, 1, "or set APP_DB")
	cmd{dir: dir, env: c.env}.run(t, "--config", "/dev/null", "migrate", "run").want(t, 1, "migrations directory migrations")
	os.WriteFile(filepath.Join(dir, "sqlx.toml"), []byte("[migrate]\ntable-name = \"x; DROP TABLE a\"\n"), 0o644)
	c.run(t, "migrate", "info").want(t, 1, "sqlx.toml", "table-name")
}

func TestUsageAndURLErrors(t *testing.T) {
	dir := project(t, twoMigrations)
	c := cmd{dir: dir}
	c.run(t, "migrate", "run", "--bogus").want(t, 2, "flag provided but not defined: -bogus")
	c.run(t, "migrate", "run", "stray").want(t, 2, `unexpected argument "stray"`)
	c.run(t, "nosuchcommand").want(t, 2)
	c.run(t, "migrate", "run", "-D", "mysql://localhost/x").want(t, 1, `unsupported database URL scheme "mysql"`)
	c.run(t, "migrate", "run", "-D", "sqlite:x.db?journal=wal").want(t, 1, "unknown query parameter `journal`")
	c.run(t, "migrate", "info", "--format", "yaml", "-D", "sqlite::memory:").want(t, 2, "--format")
	c.run(t, "--version").want(t, 0, "dbprep version")
}

// A password in a database URL never reaches any output.
func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "S3cr3t-p4ss-9731"
	dir := project(t, twoMigrations)
	urls := []string{
		"postgres://alice:" + secret + "@127.0.0.1:1/app",
		"postgres://alice:" + secret + "@127.0.0.1:notaport/app",
		"postgresql://127.0.0.1/app?password=" + secret,
		"mysql://alice:" + secret + "@localhost/app",
		"sqlite:x.db?password=" + secret,
	}
	commands := [][]string{
		{"migrate", "run"}, {"migrate", "info"}, {"migrate", "info", "--format", "json"}, {"migrate", "check"},
		{"migrate", "revert"}, {"database", "create"}, {"database", "drop", "-y"}, {"database", "setup"}, {"database", "reset", "-y"},
	}
	for _, u := range urls {
		for _, args := range commands {
			for _, c := range []cmd{{dir: dir, env: []string{"DATABASE_URL=" + u}}, {dir: dir}} {
				args := append(append([]string{}, args...), "--connect-timeout", "200ms")
				if len(c.env) == 0 {
					args = append(args, "-D", u)
				}
				r := c.run(t, args...)
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("dbprep %s with %s printed the password:\n%s", strings.Join(args, " "), u, r)
				}
				if r.code == 0 {
					t.Errorf("dbprep %s with %s succeeded?\n%s", strings.Join(args, " "), u, r)
				}
			}
		}
	}
}
