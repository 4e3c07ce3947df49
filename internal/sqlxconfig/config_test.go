package sqlxconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sqlx.toml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	p := write(t, `
[common]
database-url-var = "APP_DATABASE_URL"

[macros]
preferred-crates.date-time = "chrono"

[drivers.mysql]
pipes-as-concat = false

[drivers.external."my-driver"]
foo = 'foo'

[migrate]
table-name = "app._migrations"
migrations-dir = "db/migrations"
ignored-chars = ["\r", "\uFEFF"]
create-schemas = ["app"]

[migrate.defaults]
migration-type = "reversible"
migration-versioning = "sequential"
`)
	c, err := Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Table() != "app._migrations" || c.URLVar() != "APP_DATABASE_URL" || c.Migrate.MigrationsDir != "db/migrations" {
		t.Errorf("got %+v", c)
	}
	if got := string(c.Ignored()); got != "\r\uFEFF" {
		t.Errorf("Ignored = %q", got)
	}
	if c.Migrate.Defaults.MigrationType != "reversible" || c.Migrate.Defaults.MigrationVersioning != "sequential" {
		t.Errorf("defaults %+v", c.Migrate.Defaults)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "sqlx.toml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Table() != "_sqlx_migrations" || c.URLVar() != "DATABASE_URL" || len(c.Ignored()) != 0 {
		t.Errorf("defaults: %+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "sqlx.toml"), false); err == nil {
		t.Error("a missing --config file must be an error")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"syntax", "[migrate\ntable-name = 1", "not valid sqlx.toml"},
		{"type", "[migrate]\ntable-name = 1", "not valid sqlx.toml"},
		{"injection", "[migrate]\ntable-name = \"x; DROP TABLE users\"", "table-name"},
		{"quoted", "[migrate]\ntable-name = '\"weird name\"'", "table-name"},
		{"three parts", "[migrate]\ntable-name = \"a.b.c\"", "table-name"},
		{"schema", "[migrate]\ncreate-schemas = [\"a b\"]", "create-schemas"},
		{"ignored two chars", "[migrate]\nignored-chars = [\"\\r\\n\"]", "exactly one character"},
		{"ignored empty", "[migrate]\nignored-chars = [\"\"]", "exactly one character"},
		{"migration type", "[migrate.defaults]\nmigration-type = \"both\"", "migration-type"},
		{"versioning", "[migrate.defaults]\nmigration-versioning = \"random\"", "migration-versioning"},
		{"underscore key", "[migrate]\ntable_name = \"app_ledger\"", `unknown key "table_name" in [migrate]: did you mean "table-name"?`},
		{"typo", "[common]\ndatabase-url-vr = \"X\"", `unknown key "database-url-vr" in [common]: did you mean "database-url-var"?`},
		{"unknown section", "[migrations]\ntable-name = \"x\"", `unknown key "migrations" at the top level: did you mean "migrate"?`},
		{"far off", "[migrate]\nflavour = 1", `unknown key "flavour" in [migrate] (sqlx knows table-name`},
		{"defaults key", "[migrate.defaults]\ntype = \"simple\"", `unknown key "type" in [migrate.defaults]`},
		{"extensions", "[drivers.sqlite]\nunsafe-load-extensions = [\"uuid\"]", "dbprep cannot load SQLite extensions"},
		{"extension table", "[drivers.sqlite]\nunsafe-load-extensions = [\"uuid\", { path = \"vsv\", entrypoint = \"sqlite3_vsv_init\" }]", "dbprep cannot load SQLite extensions"},
		{"sqlite driver key", "[drivers.sqlite]\nload-extensions = [\"uuid\"]", `did you mean "unsafe-load-extensions"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, tt.content)
			_, err := Load(p, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("got %v, want an error naming %s and containing %q", err, p, tt.want)
			}
		})
	}
}
