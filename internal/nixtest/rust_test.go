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

// The naersk and the crane helper build with and without structured
// attributes (where preBuildPhases is a bash array): the caller's own
// pre-build phase and the database phase both run, DATABASE_URL names a
// writable copy of the schema, and crane's dependency build has no
// database phase in either mode.
func TestRustHelpersStructuredAttrs(t *testing.T) {
	e := newEnv(t)
	for _, structured := range []string{"false", "true"} {
		t.Run("structuredAttrs="+structured, func(t *testing.T) {
			got := e.expr(t, `
let
  db = dbprep.prepareDatabase { migrations = src; name = "helpers-database"; };
  # The final crate's build, as naersk and crane would run it: a phase of
  # the caller's own, then the build, which reads the schema.
  build = args: pkgs.mkDerivation (removeAttrs args [ "cargoArtifacts" ] // {
    version = "0.1.0"; src = src; __structuredAttrs = `+structured+`;
    preBuildPhases = (args.preBuildPhases or [ ]);
    buildPhase = ''
      test "$userPhaseRan" = yes || { echo "the caller's pre-build phase did not run"; exit 1; }
      db=''${DATABASE_URL#sqlite://}
      sqlite3 "$db" "INSERT INTO users (favorite_song, favorite_color) VALUES ('a', 'b'); SELECT count(*) FROM _sqlx_migrations" > $TMPDIR/n
    '';
    installPhase = "mkdir -p $out; cp $TMPDIR/n $out/n; echo \"$DATABASE_URL\" > $out/url";
  });
  common = { pname = "helpers-`+structured+`"; preBuildPhases = [ "userPhase" ]; userPhase = "export userPhaseRan=yes"; };
  cl = craneLib // { buildPackage = args: build args; };
  craneArgs = dbprep.craneArgsWithDatabase { database = db; craneLib = cl; } (common // { __structuredAttrs = `+structured+`; });
  crane = cl.buildPackage craneArgs;
  naersk = build (common // dbprep.overrideMainWithDatabase { database = db; } common);
in builtins.concatStringsSep " " [ crane.drvPath naersk.drvPath craneArgs.cargoArtifacts.drvPath ]`)
			drvs := strings.Fields(got)
			if len(drvs) != 3 {
				t.Fatalf("eval: %q", got)
			}
			out, err := nixTool("nix-store", append([]string{"--realise"}, drvs[:2]...)...)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range strings.Fields(out) {
				n, _ := os.ReadFile(filepath.Join(o, "n"))
				url, _ := os.ReadFile(filepath.Join(o, "url"))
				if strings.TrimSpace(string(n)) != "2" || !strings.HasPrefix(string(url), "sqlite://") {
					t.Errorf("%s: ledger rows %q, DATABASE_URL %q", o, n, url)
				}
			}
			deps := nix(t, "show-derivation", drvs[2])
			if strings.Contains(deps, "dbprepLinkDatabase") || strings.Contains(deps, "helpers-database") {
				t.Errorf("crane's dependency build sees the database:\n%s", deps)
			}
			if structured == "true" && !strings.Contains(deps, "__json") {
				t.Errorf("the dependency build lost __structuredAttrs:\n%s", tail(deps, 1000))
			}
		})
	}
}
