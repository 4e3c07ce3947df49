package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sqlx's multi-database example's shape, plus a glob, an exclusion, a Go
// module, a path-dependency crate outside [workspace], and directories
// that are never members.
func TestFind(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"Cargo.toml":                                      "[package]\nname = \"app\"\n\n[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\"]\n",
		"sqlx.toml":                                       "[migrate]\nmigrations-dir = \"src/migrations\"\n",
		"src/migrations/1_a.sql":                          "",
		"crates/payments/Cargo.toml":                      "[package]\nname = \"payments\"\n",
		"crates/payments/sqlx.toml":                       "[common]\ndatabase-url-var = \"PAYMENTS_DATABASE_URL\"\n",
		"crates/accounts/Cargo.toml":                      "[package]\nname = \"accounts-crate\"\n",
		"crates/accounts/migrations/1.sql":                "",
		"crates/nodb/Cargo.toml":                          "[package]\nname = \"nodb\"\n",
		"crates/old/Cargo.toml":                           "[package]\nname = \"old\"\n",
		"crates/old/migrations/1.sql":                     "",
		"pathdep/Cargo.toml":                              "[package]\nname = \"pathdep\"\n",
		"pathdep/sqlx.toml":                               "",
		"goservice/go.mod":                                "module example.com/x/goservice\n\ngo 1.26\n",
		"goservice/migrations/1.sql":                      "",
		"target/debug/migrations/1.sql":                   "",
		".git/migrations/1.sql":                           "",
		"node_modules/m/migrations/1.sql":                 "",
		"crates/accounts/migrations/sub/migrations/1.sql": "",
	})
	got, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{
		{Name: "app", Dir: ".", Migrations: "src/migrations"},
		{Name: "accounts-crate", Dir: "crates/accounts", Migrations: "migrations"},
		{Name: "payments", Dir: "crates/payments", Migrations: "migrations"},
		{Name: "goservice", Dir: "goservice", Migrations: "migrations"},
		{Name: "pathdep", Dir: "pathdep", Migrations: "migrations"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Find:\n got %+v\nwant %+v", got, want)
	}
}

func TestFindDuplicateNames(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"a/db/migrations/1.sql": "",
		"b/db/migrations/1.sql": "",
	})
	if _, err := Find(root); err == nil || !strings.Contains(err.Error(), `two workspace members are named "db": a/db and b/db`) {
		t.Errorf("Find = %v", err)
	}
}

func TestFindBadCargoToml(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"Cargo.toml": "[workspace\n"})
	if _, err := Find(root); err == nil || !strings.Contains(err.Error(), "Cargo.toml") {
		t.Errorf("Find = %v", err)
	}
}
