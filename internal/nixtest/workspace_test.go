package nixtest

import (
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/workspace"
)

// workspaceExpr is prepareWorkspaceDatabases of the workspace at dir, with
// payments on PostgreSQL as the flake has it.
func workspaceExpr(dir string) string {
	return `(dbprep.prepareWorkspaceDatabases { src = ` + dir + `; settings.payments = { engine = "postgresql"; }; })`
}

// copyDir copies the directory src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// One database per member, each under its variable, each depending only
// on its member's migrations (and sqlx.toml): a new migration in payments
// changes payments' database and nothing else; the dependency derivations
// (goModules, crane's cargoArtifacts) are a plain build's, whatever the
// migrations.
func TestWorkspaceDatabases(t *testing.T) {
	e := newEnv(t)
	before := filepath.Join(t.TempDir(), "ws")
	copyDir(t, filepath.Join(e.flake, "examples/workspace"), before)
	after := filepath.Join(t.TempDir(), "ws")
	copyDir(t, before, after)
	os.WriteFile(filepath.Join(after, "payments/migrations/20250201000000_refund.sql"), []byte("CREATE TABLE refund (refund_id BIGINT PRIMARY KEY);\n"), 0o644)
	os.WriteFile(filepath.Join(after, "payments/src/lib.rs"), []byte("// edited\npub const DATABASE_URL: &str = env!(\"PAYMENTS_DATABASE_URL\");\n"), 0o644)
	os.WriteFile(filepath.Join(after, "src/main.rs"), []byte("fn main() {}\n"), 0o644)

	got := e.expr(t, `
let
  ws = dir: `+workspaceExpr("dir")+`;
  a = ws `+before+`; b = ws `+after+`;
  drvs = w: builtins.mapAttrs (_: d: d.drvPath) w.databases;
  goArgs = { pname = "app"; version = "0"; src = src; vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; };
  goMods = w: (dbprep.buildGoModule (goArgs // { databases = w.databases; })).goModules.drvPath;
  common = { pname = "app"; src = src; };
  craneDeps = w: (dbprep.craneArgsWithDatabase { databases = w.databases; inherit craneLib; } common).cargoArtifacts.drvPath;
  main = dbprep.overrideMainWithDatabase { databases = a.databases; } { pname = "app"; };
in builtins.toJSON {
  before = drvs a; after = drvs b;
  members = builtins.attrNames a.members;
  engines = builtins.mapAttrs (_: d: d.engine) a.databases;
  goModulesSame = goMods a == goMods b && goMods a == (pkgs.buildGoModule goArgs).goModules.drvPath;
  craneDepsSame = craneDeps a == craneDeps b && craneDeps a == (craneLib.buildPackage common).cargoArtifacts.drvPath;
  phase = main.dbprepLinkDatabasePhase;
  passthru = builtins.attrNames main.passthru.databases;
  mainDb = main.passthru.database.drvPath == a.databases.DATABASE_URL.drvPath;
}`)
	var r struct {
		Before, After map[string]string
		Members       []string
		Engines       map[string]string
		GoModulesSame bool
		CraneDepsSame bool
		Phase         string
		Passthru      []string
		MainDb        bool
	}
	if err := json.Unmarshal([]byte(got), &r); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	if strings.Join(r.Members, ",") != "accounts,payments,workspace-app" {
		t.Errorf("members: %v", r.Members)
	}
	if r.Engines["PAYMENTS_DATABASE_URL"] != "postgresql" || r.Engines["ACCOUNTS_DATABASE_URL"] != "sqlite" || r.Engines["DATABASE_URL"] != "sqlite" {
		t.Errorf("engines: %v", r.Engines)
	}
	for _, v := range []string{"DATABASE_URL", "ACCOUNTS_DATABASE_URL"} {
		if r.Before[v] == "" || r.Before[v] != r.After[v] {
			t.Errorf("%s's database changed with a payments migration: %s → %s", v, r.Before[v], r.After[v])
		}
	}
	if r.Before["PAYMENTS_DATABASE_URL"] == r.After["PAYMENTS_DATABASE_URL"] {
		t.Error("a new payments migration did not change payments' database")
	}
	if !r.GoModulesSame || !r.CraneDepsSame {
		t.Errorf("dependency derivations differ from a plain build's, or with the migrations: goModules %v, crane %v", r.GoModulesSame, r.CraneDepsSame)
	}
	for _, want := range []string{"link-database.sh /nix/store/", " ACCOUNTS_DATABASE_URL", " DATABASE_URL", "link-server.sh pg ", " PAYMENTS_DATABASE_URL"} {
		if !strings.Contains(r.Phase, want) {
			t.Errorf("the link phase lacks %q:\n%s", want, r.Phase)
		}
	}
	if strings.Join(r.Passthru, ",") != "ACCOUNTS_DATABASE_URL,DATABASE_URL,PAYMENTS_DATABASE_URL" || !r.MainDb {
		t.Errorf("passthru.databases %v, passthru.database is DATABASE_URL's: %v", r.Passthru, r.MainDb)
	}
	// Two members under one variable, and `databases` beside `database`,
	// are refused with a message that says what to do.
	os.WriteFile(filepath.Join(after, "payments/sqlx.toml"), []byte("[common]\ndatabase-url-var = \"ACCOUNTS_DATABASE_URL\"\n"), 0o644)
	for expr, want := range map[string]string{
		`(` + workspaceExpr(after) + `).databases.ACCOUNTS_DATABASE_URL.drvPath`:                                                   "members accounts and payments both use ACCOUNTS_DATABASE_URL",
		`(dbprep.overrideMainWithDatabase { databases = { DATABASE_URL = src; }; migrations = src; } { }).dbprepLinkDatabasePhase`: "not both",
		`(dbprep.overrideMainWithDatabase { databases = { "bad-name" = src; }; } { }).dbprepLinkDatabasePhase`:                     "not an environment variable name",
	} {
		if _, err := nixErr("eval", "--impure", "--raw", "--expr", e.wrap(expr)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", expr, err, want)
		}
	}
}

// The flake's workspace example builds with all three variables set, and
// a build that reads them finds each database, SQLite and PostgreSQL, with
// its member's ledger; no server outlives the build. With and without
// structured attributes.
func TestWorkspaceBuild(t *testing.T) {
	e := newEnv(t)
	sys := system(t)
	out := nix(t, append([]string{"build", "--json", "--no-link", e.flake + "#packages." + sys + ".workspace-app"}, e.override()...)...)
	var built []struct {
		Outputs map[string]string `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(out), &built); err != nil || len(built) != 1 {
		t.Fatalf("nix build: %v\n%s", err, out)
	}
	compiled, err := os.ReadFile(filepath.Join(built[0].Outputs["out"], "compiled-against"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"main DATABASE_URL=sqlite://", "accounts ACCOUNTS_DATABASE_URL=sqlite://", "payments PAYMENTS_DATABASE_URL=postgres:///app?host="} {
		if !strings.Contains(string(compiled), want) {
			t.Errorf("the crates were compiled against:\n%s\nwant %q", compiled, want)
		}
	}
	for _, structured := range []string{"false", "true"} {
		t.Run("structuredAttrs="+structured, func(t *testing.T) {
			drv := e.expr(t, `
let
  ws = `+workspaceExpr(e.flake+"/examples/workspace")+`;
  base = { pname = "ws-read-`+structured+`"; version = "0"; src = src; __structuredAttrs = `+structured+`;
    preBuildPhases = [ "userPhase" ]; userPhase = "export userPhaseRan=yes";
    buildPhase = ''
      test "$userPhaseRan" = yes
      sqlite3 "''${DATABASE_URL#sqlite://}" "SELECT count(*) FROM _sqlx_migrations; SELECT count(*) FROM purchase" > $TMPDIR/n
      sqlite3 "''${ACCOUNTS_DATABASE_URL#sqlite://}" "SELECT count(*) FROM _sqlx_migrations; SELECT count(*) FROM session" >> $TMPDIR/n
      psql "$PAYMENTS_DATABASE_URL" -tAc "SELECT count(*) FROM payments_migrations" >> $TMPDIR/n
      psql "$PAYMENTS_DATABASE_URL" -qtAc "INSERT INTO payment (payment_id, account_id, amount) VALUES (1, 1, 5) RETURNING status" >> $TMPDIR/n
      echo "$PAYMENTS_DATABASE_URL" > $TMPDIR/pgurl
    '';
    installPhase = "mkdir -p $out; cp $TMPDIR/n $TMPDIR/pgurl $out/";
  };
in (pkgs.mkDerivation (base // dbprep.overrideMainWithDatabase { databases = ws.databases; } base)).drvPath`)
			o, err := nixTool("nix-store", "--realise", drv)
			if err != nil {
				t.Fatalf("%v\n%s", err, tail(nix(t, "log", drv), 3000))
			}
			dir := strings.TrimSpace(o)
			n, _ := os.ReadFile(filepath.Join(dir, "n"))
			if got := strings.Fields(string(n)); strings.Join(got, " ") != "1 0 2 0 1 pending" {
				t.Errorf("ledger and table counts read in the build: %q, want 1 0 2 0 1 pending", n)
			}
			pgurl, _ := os.ReadFile(filepath.Join(dir, "pgurl"))
			sock := strings.TrimSpace(string(pgurl))
			sock = sock[strings.Index(sock, "host=")+5:]
			if i := strings.IndexByte(sock, '&'); i >= 0 {
				sock = sock[:i]
			}
			if ps, _ := exec.Command("pgrep", "-af", "postgres").Output(); strings.Contains(string(ps), sock) {
				t.Errorf("a server of the build still runs on %s:\n%s", sock, ps)
			}
		})
	}
}

// A dev shell with several databases keeps a writable copy of each under
// .dbprep/ and exports each variable (SQLite here: a dev shell's
// PostgreSQL refuses root, and the tests may run as root).
func TestWorkspaceDevShell(t *testing.T) {
	e := newEnv(t)
	project := t.TempDir()
	shell := e.wrap(`let ws = dbprep.prepareWorkspaceDatabases { src = ` + e.flake + `/examples/workspace; }; in pkgs.mkShell {
  packages = [ (pkgs.callPackage ` + e.flake + `/nix/package.nix { }) ];
  shellHook = dbprep.devShellHook { databases = ws.databases; };
}`)
	c := exec.Command("nix", "develop", "--impure", "--expr", shell, "-c", "bash", "-c",
		`echo "MAIN=$DATABASE_URL"; echo "ACCOUNTS=$ACCOUNTS_DATABASE_URL"; echo "PAYMENTS=$PAYMENTS_DATABASE_URL"`)
	c.Dir = project
	c.Env = append(os.Environ(), "NIX_CONFIG="+nixConfig)
	b, err := c.CombinedOutput()
	out := string(b)
	for _, want := range []string{
		"MAIN=sqlite://" + filepath.Join(project, ".dbprep/db.sqlite3") + "\n",
		"ACCOUNTS=sqlite://" + filepath.Join(project, ".dbprep/ACCOUNTS_DATABASE_URL.sqlite3") + "\n",
		"PAYMENTS=sqlite://" + filepath.Join(project, ".dbprep/PAYMENTS_DATABASE_URL.sqlite3") + "\n",
	} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("nix develop: %v; want %q in:\n%s", err, want, tail(out, 3000))
		}
	}
	// Each copy is writable and holds its member's tables and ledger.
	for f, table := range map[string]string{"db.sqlite3": "purchase", "ACCOUNTS_DATABASE_URL.sqlite3": "session", "PAYMENTS_DATABASE_URL.sqlite3": "payments_migrations"} {
		path := filepath.Join(project, ".dbprep", f)
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o200 == 0 {
			t.Errorf(".dbprep/%s: %v, or not writable", f, err)
			continue
		}
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Errorf(".dbprep/%s has no table %s: %v", f, table, err)
		}
		db.Close()
	}
}

// A Go build with a SQLite and a PostgreSQL database and vet = true: the
// vet phase checks pg.go (//dbprep:engine postgres) against the
// PostgreSQL database and main.go against DATABASE_URL's SQLite.
func TestGoBuildVetTwoEngines(t *testing.T) {
	e := newEnv(t)
	drv := e.expr(t, `(dbprep.buildGoModule { pname = "vetengines"; version = "0"; src = `+e.flake+`/nix/tests/vet-engines; vendorHash = null;
  databases = { DATABASE_URL = src; PG_DATABASE_URL = { migrations = src; engine = "postgresql"; }; }; vet = true; }).drvPath`)
	if out, err := nixTool("nix-store", "--realise", drv); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, tail(nix(t, "log", drv), 3000))
	}
	log := nix(t, "log", drv)
	for _, want := range []string{"dbprep: vet: files of postgres against $PG_DATABASE_URL", "vet: no problems (0 calls skipped as built at run time)"} {
		if !strings.Contains(log, want) {
			t.Errorf("the build log lacks %q (pg.go's query must be checked, not skipped):\n%s", want, tail(log, 3000))
		}
	}
}

// The Nix finder and `dbprep --workspace` (internal/workspace) find the same
// members in one workspace: the root package, [workspace] members globs,
// a path dependency, and [workspace] exclude honoured by both.
func TestWorkspaceMembersAgree(t *testing.T) {
	e := newEnv(t)
	root := t.TempDir()
	files := map[string]string{
		"Cargo.toml":                         "[package]\nname = \"app\"\n\n[dependencies]\npathdep = { path = \"pathdep\" }\n\n[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\", \"./crates/older/\"]\n",
		"migrations/1_app.sql":               "CREATE TABLE app (id INTEGER);\n",
		"crates/accounts/Cargo.toml":         "[package]\nname = \"accounts\"\n",
		"crates/accounts/sqlx.toml":          "[common]\ndatabase-url-var = \"ACCOUNTS_DATABASE_URL\"\n",
		"crates/accounts/migrations/1_a.sql": "CREATE TABLE a (id INTEGER);\n",
		"crates/old/Cargo.toml":              "[package]\nname = \"old\"\n",
		"crates/old/sqlx.toml":               "[common]\ndatabase-url-var = \"OLD_DATABASE_URL\"\n",
		"crates/old/migrations/1_o.sql":      "CREATE TABLE o (id INTEGER);\n",
		"crates/older/Cargo.toml":            "[package]\nname = \"older\"\n",
		"crates/older/sqlx.toml":             "[common]\ndatabase-url-var = \"OLDER_DATABASE_URL\"\n",
		"crates/older/migrations/1_o.sql":    "CREATE TABLE o (id INTEGER);\n",
		"pathdep/Cargo.toml":                 "[package]\nname = \"pathdep\"\n",
		"pathdep/sqlx.toml":                  "[common]\ndatabase-url-var = \"PATHDEP_DATABASE_URL\"\n",
		"pathdep/migrations/1_p.sql":         "CREATE TABLE p (id INTEGER);\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	members, err := workspace.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	var goNames []string
	for _, m := range members {
		goNames = append(goNames, m.Name)
	}
	slices.Sort(goNames)
	nixNames := strings.Fields(e.expr(t, `builtins.concatStringsSep " " (builtins.attrNames (dbprep.prepareWorkspaceDatabases { src = `+root+`; }).members)`))
	if want := []string{"accounts", "app", "pathdep"}; !slices.Equal(goNames, want) || !slices.Equal(nixNames, want) {
		t.Errorf("members: dbprep --workspace %v, Nix %v; want %v", goNames, nixNames, want)
	}
}
