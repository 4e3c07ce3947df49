package nixtest

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// devShellMigrations writes three migration directories: base (two
// migrations), grown (base plus a third) and edited (base with its first
// migration changed), and returns their paths.
func devShellMigrations(t *testing.T) (base, grown, edited string) {
	first := "CREATE TABLE users (name TEXT);\n"
	second := "CREATE TABLE posts (title TEXT);\n"
	third := "ALTER TABLE users ADD COLUMN email TEXT;\n"
	write := func(files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	base = write(map[string]string{"1_users.sql": first, "2_posts.sql": second})
	grown = write(map[string]string{"1_users.sql": first, "2_posts.sql": second, "3_email.sql": third})
	edited = write(map[string]string{"1_users.sql": "CREATE TABLE users (name TEXT NOT NULL);\n", "2_posts.sql": second})
	return base, grown, edited
}

// The SQLite dev shell keeps the developer's data when migrations are
// added: the new ones are applied to the copy, as `sqlx migrate run` would.
// Only when the history diverged (an edited migration) is the copy
// replaced, and the hook says why, naming the project's file; the old copy
// is kept as a backup beside it (the newest three).
func TestDevShellKeepsDataSQLite(t *testing.T) {
	e := newEnv(t)
	base, grown, edited := devShellMigrations(t)
	hooks := map[string]string{}
	for name, dir := range map[string]string{"base": base, "grown": grown, "edited": edited} {
		db := `(dbprep.prepareDatabase { migrations = ` + dir + `; name = "devshell-` + name + `"; })`
		if _, err := nixTool("nix-store", "--realise", e.expr(t, db+".drvPath")); err != nil {
			t.Fatal(err)
		}
		hooks[name] = e.expr(t, `dbprep.devShellHook { database = `+db+`; }`)
	}
	project := t.TempDir()
	copyPath := filepath.Join(project, ".dbprep/db.sqlite3")
	shell := func(hook string) string {
		c := exec.Command("bash", "-c", hook+"\necho URL=$DATABASE_URL")
		c.Dir = project
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		return string(b)
	}
	query := func(q string) (int, error) {
		db, err := sql.Open("sqlite", "file:"+copyPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		err = db.QueryRow(q).Scan(&n)
		return n, err
	}
	if out := shell(hooks["base"]); !strings.Contains(out, "copied the prepared database") {
		t.Fatalf("first shell:\n%s", out)
	}
	if n, err := query("SELECT count(*) FROM (SELECT 1 FROM users UNION ALL SELECT 1 FROM users)"); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	db, _ := sql.Open("sqlite", "file:"+copyPath)
	if _, err := db.Exec("INSERT INTO users (name) VALUES ('kept')"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out := shell(hooks["grown"])
	if !strings.Contains(out, "Applied 3/migrate email") || !strings.Contains(out, "your data is kept") || strings.Contains(out, "replacing") {
		t.Fatalf("a shell with one more migration must apply it on top:\n%s", out)
	}
	if n, err := query("SELECT count(*) FROM users WHERE name = 'kept' AND email IS NULL"); err != nil || n != 1 {
		t.Fatalf("after the new migration: %d rows, %v; want the developer's row, with the new column", n, err)
	}
	if out := shell(hooks["grown"]); strings.Contains(out, "Applied") || strings.Contains(out, "copied") {
		t.Errorf("entering the same shell again must change nothing:\n%s", out)
	}

	// The developer edits migrations/1_users.sql in the project: the
	// message names that file, not the store's copy of it.
	if err := os.MkdirAll(filepath.Join(project, "migrations"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "migrations/1_users.sql"), []byte("CREATE TABLE users (name TEXT NOT NULL);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = shell(hooks["edited"])
	if !strings.Contains(out, "history changed") || !strings.Contains(out, "modified: 1 users (migrations/1_users.sql)") ||
		!strings.Contains(out, "replacing") || !strings.Contains(out, "copied the prepared database") {
		t.Fatalf("an edited migration must replace the copy, saying why and naming the project's file:\n%s", out)
	}
	if n, err := query("SELECT count(*) FROM users"); err != nil || n != 0 {
		t.Errorf("after the replacement: %d rows, %v; want a fresh copy", n, err)
	}
	// The replaced copy, with the developer's row, is kept beside it.
	backups, _ := filepath.Glob(copyPath + ".backup-*")
	if len(backups) != 1 || !strings.Contains(out, "is kept as "+backups[0]) {
		t.Fatalf("want one backup named in the output, have %v:\n%s", backups, out)
	}
	kept, _ := sql.Open("sqlite", "file:"+backups[0]+"?mode=ro")
	defer kept.Close()
	var name string
	if err := kept.QueryRow("SELECT name FROM users").Scan(&name); err != nil || name != "kept" {
		t.Errorf("the backup must hold the developer's row: %q, %v", name, err)
	}
	// Each further divergence keeps another backup, the newest three in all.
	for i := 0; i < 4; i++ {
		hook := hooks["base"]
		if i%2 == 1 {
			hook = hooks["edited"]
		}
		shell(hook)
	}
	if backups, _ = filepath.Glob(copyPath + ".backup-*"); len(backups) != 3 {
		t.Errorf("after five replacements, want the newest three backups, have %v", backups)
	}
}

// `nix develop` on a shell made with and without structured attributes:
// the hook runs before the command, DATABASE_URL points at the copy, and
// dbprep's commands (on the shell's PATH) find the migrations.
func TestDevShellStructuredAttrs(t *testing.T) {
	e := newEnv(t)
	for _, structured := range []string{"false", "true"} {
		t.Run("structuredAttrs="+structured, func(t *testing.T) {
			project := t.TempDir()
			shell := e.wrap(`pkgs.mkShell {
  name = "structured-` + structured + `"; __structuredAttrs = ` + structured + `;
  packages = [ (pkgs.callPackage ` + e.flake + `/nix/package.nix { }) ];
  shellHook = dbprep.devShellHook { database = dbprep.prepareDatabase { migrations = src; }; source = "migrations"; };
}`)
			c := exec.Command("nix", "develop", "--impure", "--expr", shell, "-c", "bash", "-c",
				`echo "URL=$DATABASE_URL"; dbprep migrate info`)
			c.Dir = project
			c.Env = append(os.Environ(), "NIX_CONFIG="+nixConfig)
			os.MkdirAll(filepath.Join(project, "migrations"), 0o755)
			entries, _ := os.ReadDir(filepath.Join(e.flake, "examples/mycrate/migrations"))
			for _, en := range entries {
				data, _ := os.ReadFile(filepath.Join(e.flake, "examples/mycrate/migrations", en.Name()))
				os.WriteFile(filepath.Join(project, "migrations", en.Name()), data, 0o644)
			}
			b, err := c.CombinedOutput()
			out := string(b)
			if structured == "true" && err != nil && strings.Contains(out, "ambiguous redirect") {
				// Nix 2.8's get-env.sh writes the environment to $outputs
				// as a string, which structured attributes make an array.
				t.Skipf("this Nix's `nix develop` cannot enter a shell with structured attributes (its get-env.sh fails: %q); newer Nix can", "ambiguous redirect")
			}
			if err != nil || !strings.Contains(out, "copied the prepared database") ||
				!strings.Contains(out, "URL=sqlite://"+filepath.Join(project, ".dbprep/db.sqlite3")+"\n") ||
				!strings.Contains(out, "installed") {
				t.Fatalf("nix develop: %v\n%s", err, tail(out, 3000))
			}
		})
	}
}
