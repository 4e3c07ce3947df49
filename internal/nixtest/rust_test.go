package nixtest

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The naersk and crane helpers add the phase to the final crate's
// arguments only, leaving what the dependency build sees untouched.
func TestRustHelpers(t *testing.T) {
	e := newEnv(t)
	got := e.expr(t, `
let
  db = dbprep.prepareDatabase { migrations = src; };
  # naersk: overrideMain receives the final derivation's attributes.
  main = dbprep.overrideMainWithDatabase { database = db; } { pname = "app"; preBuildPhases = [ "userPhase" ]; preBuild = "echo user"; };
  # crane: the same args go to buildDepsOnly (untouched) and, wrapped, to buildPackage.
  common = { pname = "app"; src = src; };
  pkgArgs = dbprep.craneArgsWithDatabase { migrations = src; } (common // { cargoArtifacts = "deps"; });
in builtins.toJSON {
  mainPhases = main.preBuildPhases;
  mainPreBuild = main.preBuild;
  mainPhase = main.dbprepLinkDatabasePhase;
  mainDb = main.passthru.database.drvPath;
  depsKeys = builtins.attrNames common;
  pkgPhases = pkgArgs.preBuildPhases;
  pkgArtifacts = pkgArgs.cargoArtifacts;
  pkgDb = pkgArgs.passthru.database.drvPath;
}`)
	for _, want := range []string{
		`"mainPhases":["userPhase","dbprepLinkDatabasePhase"]`,
		`"mainPreBuild":"echo user"`,
		`link-database.sh /nix/store/`,
		`"depsKeys":["pname","src"]`,
		`"pkgPhases":["dbprepLinkDatabasePhase"]`,
		`"pkgArtifacts":"deps"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("helpers: %s lacks %s", got, want)
		}
	}
}

// sqlxConfig reaches dbprep: a sqlx.toml's table-name names the ledger.
func TestPrepareDatabaseSqlxConfig(t *testing.T) {
	e := newEnv(t)
	toml := filepath.Join(t.TempDir(), "sqlx.toml")
	os.WriteFile(toml, []byte("[migrate]\ntable-name = \"crate_ledger\"\n"), 0o644)
	drv := e.expr(t, `(dbprep.prepareDatabase { migrations = src; sqlxConfig = `+toml+`; }).drvPath`)
	out, err := nixTool("nix-store", "--realise", drv)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(strings.TrimSpace(out), "db.sqlite3")+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM crate_ledger").Scan(&n); err != nil || n != 2 {
		t.Errorf("ledger crate_ledger: %d rows, %v", n, err)
	}
}
