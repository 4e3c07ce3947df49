package nixtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// requireBuildUsers skips outside CI when builds run as root (PostgreSQL
// refuses root); in CI, .ci/run makes them run as build users.
func requireBuildUsers(t *testing.T, e env) {
	t.Helper()
	drv := e.expr(t, `(pkgs.runCommand "uid" { } "id -u > $out").drvPath`)
	out, err := nixTool("nix-store", "--realise", drv)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(strings.TrimSpace(out)); strings.TrimSpace(string(b)) == "0" {
		if os.Getenv("CI") != "" {
			t.Fatal("builds run as root; PostgreSQL needs build users (.ci/nix-multi-user)")
		}
		t.Skip("builds run as root here; PostgreSQL refuses root (run under .ci/nix-multi-user)")
	}
}

// mycratePostgres is the flake's mycrate-postgres package as an expression
// over the stand-in (getFlake would fetch the flake's real nixpkgs).
func mycratePostgres(e env) string {
	return `(dbprep.buildGoModule {
  pname = "mycrate-postgres"; version = "0.1.0"; src = import ` + e.flake + `/nix/source.nix { examples = true; };
  vendorHash = dbprep.dbprep.examplesVendorHash; subPackages = [ "examples/mycrate" ]; checkFlags = [ "-v" ];
  database = dbprep.prepareDatabase { migrations = src; name = "mycrate-database-postgres"; engine = "postgresql"; };
})`
}

var startedPid = regexp.MustCompile(`dbprep: (PostgreSQL|MySQL) started on (\S+) \(pid (\d+)\)`)

// assertServersGone fails unless the build log says it started a server
// (PostgreSQL or MySQL), that each was stopped, and that no such process
// and no socket outside the build directory is left.
func assertServersGone(t *testing.T, log string) {
	t.Helper()
	m := startedPid.FindAllStringSubmatch(log, -1)
	if len(m) == 0 {
		t.Fatalf("the build started no server:\n%s", tail(log, 2000))
	}
	for _, kind := range []string{"PostgreSQL", "MySQL"} {
		started := 0
		for _, s := range m {
			if s[1] == kind {
				started++
			}
		}
		if strings.Count(log, "dbprep: "+kind+" stopped") < started {
			t.Errorf("a %s server was not stopped:\n%s", kind, tail(log, 2000))
		}
	}
	for _, s := range m {
		if pid, _ := strconv.Atoi(s[3]); alive(pid) {
			t.Errorf("%s (pid %d) outlived the build", s[1], pid)
		}
		if _, err := os.Stat(s[2]); err == nil && !strings.HasPrefix(s[2], "/tmp/nix-build-") {
			t.Errorf("the socket %s outlived the build", s[2])
		}
	}
}

// A Go program builds against a PostgreSQL database made from its
// migrations: the check phase queries the migrated tables through
// DATABASE_URL, and the server is gone afterwards.
func TestPostgresGoBuild(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	out, err := e.build(t, "mycrate-postgres")
	if err != nil {
		t.Fatal(err)
	}
	drv := e.eval(t, "packages."+system(t)+".mycrate-postgres.drvPath")
	log := nix(t, "log", drv)
	for _, want := range []string{"dbprep: DATABASE_URL=postgres:///app?host=/", "query checked against postgres:///app?host=", "--- PASS: TestQueryAgainstDatabaseURL"} {
		if !strings.Contains(log, want) {
			t.Errorf("build log lacks %q:\n%s", want, tail(log, 3000))
		}
	}
	assertServersGone(t, log)
	dbDrv := e.eval(t, "packages."+system(t)+".mycrate-database-postgres.drvPath")
	assertServersGone(t, nix(t, "log", dbDrv))
	if _, err := os.Stat(filepath.Join(out, "bin", "mycrate")); err != nil {
		t.Error("no binary")
	}
	db, _ := e.build(t, "mycrate-database-postgres")
	if schema, _ := os.ReadFile(filepath.Join(db, "schema.sql")); !strings.Contains(string(schema), "CREATE TABLE public.users") ||
		!strings.Contains(string(schema), "(20211209212255, 'second', TRUE, '\\x") {
		t.Errorf("the database's schema.sql:\n%s", schema)
	}
	// The prepared form is a dump: the database with its ledger, whose
	// clock columns are pinned (installed_on SOURCE_DATE_EPOCH = 0,
	// execution_time 0), and no data directory.
	dump, _ := os.ReadFile(filepath.Join(db, "dump.sql"))
	for _, want := range []string{"CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'UTF8'", "CREATE TABLE public.users",
		"COPY public._sqlx_migrations (version, description, installed_on, success, checksum, execution_time) FROM stdin;",
		"20211209212255\tsecond\t1970-01-01 00:00:00+00\tt\t\\\\x"} {
		if !strings.Contains(string(dump), want) {
			t.Errorf("dump.sql lacks %q:\n%s", want, tail(string(dump), 3000))
		}
	}
	if _, err := os.Stat(filepath.Join(db, "data")); err == nil {
		t.Error("the database derivation holds a data directory")
	}
}

// `nix build --rebuild` builds a prepared database again, as a build user,
// and fails unless the output is the same bytes: SQLite, and PostgreSQL
// whose output is a dump (a data directory never is: initdb's system
// identifier, checkpoint times, WAL). A role a migration creates is in the
// dump, without its password, and loads.
func TestPreparedDatabasesRebuild(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	migrations := t.TempDir()
	files := map[string]string{
		"1_users.sql":  "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, colour TEXT);\nINSERT INTO users (name) VALUES ('seed');\n",
		"2_reader.sql": "CREATE ROLE reader LOGIN PASSWORD 'secret-pass';\nGRANT SELECT ON users TO reader;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n",
		"3_view.sql":   "CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL;\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(migrations, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sqlite := `(dbprep.prepareDatabase { migrations = ` + e.flake + `/examples/mycrate/migrations; name = "rebuild-sqlite"; })`
	postgres := `(dbprep.prepareDatabase { migrations = ` + migrations + `; name = "rebuild-postgres"; engine = "postgresql"; })`
	for _, db := range []string{sqlite, postgres} {
		drv := e.expr(t, db+".drvPath")
		out, err := nixTool("nix-store", "--realise", drv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nixTool("nix", "build", "--rebuild", "--no-link", "--impure", "--expr", e.wrap(db)); err != nil {
			t.Errorf("%s is not reproducible: %v", strings.TrimSpace(out), err)
		}
	}
	db := strings.TrimSpace(e.expr(t, postgres+".outPath"))
	dump, _ := os.ReadFile(filepath.Join(db, "dump.sql"))
	for _, want := range []string{"CREATE ROLE reader;", "GRANT SELECT ON TABLE public.users TO reader;", "CREATE EXTENSION IF NOT EXISTS pgcrypto",
		"CREATE VIEW public.named", "SELECT pg_catalog.setval('public.users_id_seq', 1, true);"} {
		if !strings.Contains(string(dump), want) {
			t.Errorf("dump.sql lacks %q:\n%s", want, tail(string(dump), 4000))
		}
	}
	for _, never := range []string{"secret-pass", "SCRAM-SHA-256$", "CREATE ROLE postgres", "Dumped by pg_dump"} {
		if strings.Contains(string(dump), never) {
			t.Errorf("dump.sql holds %q", never)
		}
	}
}

// A failing check phase still stops the server; so does an early exit.
func TestPostgresFailingBuildStopsServer(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	for _, fail := range []string{`postCheck = "echo failing on purpose; false";`, `postConfigure = "";  preBuild = "exit 7";`} {
		nonce := time.Now().UnixNano()
		drv := e.expr(t, fmt.Sprintf(`(%s.overrideAttrs (old: { nonce = "%d"; %s })).drvPath`, mycratePostgres(e), nonce, fail))
		_, err := nixTool("nix-store", "--realise", drv)
		if err == nil {
			t.Fatalf("%s: the build succeeded", fail)
		}
		log := nix(t, "log", drv)
		assertServersGone(t, log)
	}
}

// Two builds with PostgreSQL at once on one machine do not collide (each
// server has a socket in its own build directory, no TCP).
func TestPostgresParallelBuilds(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	var drvs []string
	for i := range 2 {
		drvs = append(drvs, e.expr(t, fmt.Sprintf(`(%s.overrideAttrs (old: { nonce = "%d-%d"; })).drvPath`, mycratePostgres(e), time.Now().UnixNano(), i)))
	}
	if _, err := nixTool("nix-store", append([]string{"--realise", "--max-jobs", "2"}, drvs...)...); err != nil {
		t.Fatal(err)
	}
	for _, d := range drvs {
		assertServersGone(t, nix(t, "log", d))
	}
}

// goModules is the same with a PostgreSQL database as without one, and
// after a migration changes; so are the naersk and crane deps arguments.
func TestPostgresDependenciesUntouched(t *testing.T) {
	e := newEnv(t)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "1_other.sql"), []byte("CREATE TABLE other (x int);\n"), 0o644)
	got := e.expr(t, `
let
  args = { pname = "mycrate"; version = "0.1.0"; src = import `+e.flake+`/nix/source.nix { examples = true; };
           vendorHash = dbprep.dbprep.examplesVendorHash; subPackages = [ "examples/mycrate" ]; };
  pg = m: dbprep.prepareDatabase { migrations = m; engine = "postgresql"; };
  plain = pkgs.buildGoModule args;
  a = dbprep.buildGoModule (args // { database = pg src; });
  b = dbprep.buildGoModule (args // { database = pg `+other+`; });
  crane = m: dbprep.craneArgsWithDatabase { database = pg m; inherit craneLib; } { pname = "app"; src = src; };
  naersk = dbprep.overrideMainWithDatabase { database = pg src; } { pname = "app"; };
in builtins.concatStringsSep "\n" [ plain.goModules.drvPath a.goModules.drvPath b.goModules.drvPath
  a.drvPath b.drvPath (crane src).cargoArtifacts.drvPath (crane `+other+`).cargoArtifacts.drvPath
  (crane src).dbprepLinkDatabasePhase naersk.dbprepLinkDatabasePhase ]`)
	l := strings.Split(got, "\n")
	if len(l) != 9 {
		t.Fatalf("eval: %s", got)
	}
	if l[0] != l[1] || l[1] != l[2] {
		t.Errorf("goModules depends on the PostgreSQL database:\n%s", got)
	}
	if l[3] == l[4] {
		t.Error("the final build must depend on the database")
	}
	if l[5] != l[6] {
		t.Error("crane's deps derivation depends on the database")
	}
	for _, phase := range l[7:] {
		if !strings.Contains(phase, "link-server.sh pg") {
			t.Errorf("the Rust helpers' phase does not start PostgreSQL: %s", phase)
		}
	}
}

// The dev shell keeps a copy of the data directory, starts a server on
// entering unless one runs, reuses it on re-entering, and `dbprep-pg stop`
// stops it. As root it refuses, saying why.
func TestPostgresDevShell(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	if _, err := exec.LookPath("runuser"); err != nil {
		t.Fatal("runuser (util-linux) is needed to enter the shell as an ordinary user")
	}
	db := mycratePostgres(e) + ".database"
	if _, err := nixTool("nix-store", "--realise", e.expr(t, db+".drvPath")); err != nil {
		t.Fatal(err)
	}
	hook := e.expr(t, `dbprep.devShellHook { database = `+db+`; }`)
	project := nobodyProject(t)
	shell := func(user, script string) (string, error) {
		c := exec.Command("runuser", "-u", user, "--", "bash", "-c", hook+"\n"+script)
		if user == "root" {
			c = exec.Command("bash", "-c", hook+"\n"+script)
		}
		c.Dir = project
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + project}
		b, err := c.CombinedOutput()
		return string(b), err
	}
	t.Cleanup(func() { shell("nobody", "dbprep-pg stop") })
	query := "psql \"$DATABASE_URL\" -Atc 'SELECT count(*) FROM users'"
	first, err := shell("nobody", "echo URL=$DATABASE_URL; "+query)
	if err != nil || !strings.Contains(first, "loaded the prepared database into "+filepath.Join(project, ".dbprep/pgdata")) ||
		!strings.Contains(first, "PostgreSQL started") || !strings.Contains(first, "URL=postgres:///app?host=") || !strings.Contains(first, "\n0\n") {
		t.Fatalf("first shell: %v\n%s", err, first)
	}
	// dbprep-pg is a program on PATH, not a function: a child process (as
	// `nix develop -c` and direnv shells run it) finds it too.
	second, err := shell("nobody", "type -t dbprep-pg; bash -c 'dbprep-pg status'")
	if err != nil || !strings.Contains(second, "already runs") || strings.Contains(second, "copied") || !strings.Contains(second, "server is running") ||
		!strings.Contains(second, "\nfile\n") {
		t.Errorf("second shell must reuse the server, and dbprep-pg be a program: %v\n%s", err, second)
	}
	m := startedPid.FindStringSubmatch(first)
	stop, err := shell("nobody", "dbprep-pg stop; dbprep-pg status; true")
	if err != nil || !strings.Contains(stop, "PostgreSQL stopped") || !strings.Contains(stop, "no server running") {
		t.Errorf("dbprep-pg stop: %v\n%s", err, stop)
	}
	if pid, _ := strconv.Atoi(m[3]); alive(pid) {
		t.Errorf("postgres (pid %d) still runs after dbprep-pg stop", pid)
	}
	if _, err := os.Stat(m[2]); err == nil {
		t.Errorf("dbprep-pg stop left the socket directory %s", m[2])
	}
	// A migration added: the hook applies it to the copy and keeps the data.
	grown := t.TempDir()
	entries, _ := os.ReadDir(filepath.Join(e.flake, "examples/mycrate/migrations"))
	for _, en := range entries {
		data, _ := os.ReadFile(filepath.Join(e.flake, "examples/mycrate/migrations", en.Name()))
		os.WriteFile(filepath.Join(grown, en.Name()), data, 0o644)
	}
	os.WriteFile(filepath.Join(grown, "20990101000000_more.sql"), []byte("CREATE TABLE more (x int);\n"), 0o644)
	grownDb := `(dbprep.prepareDatabase { migrations = ` + grown + `; name = "mycrate-database-postgres"; engine = "postgresql"; })`
	if _, err := nixTool("nix-store", "--realise", e.expr(t, grownDb+".drvPath")); err != nil {
		t.Fatal(err)
	}
	grownHook := e.expr(t, `dbprep.devShellHook { database = `+grownDb+`; }`)
	if out, err := shell("nobody", "psql \"$DATABASE_URL\" -Atc \"INSERT INTO users VALUES ('kept', 'blue')\"; dbprep-pg stop"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	c := exec.Command("runuser", "-u", "nobody", "--", "bash", "-c", grownHook+"\npsql \"$DATABASE_URL\" -Atc 'SELECT count(*) FROM users, more'; psql \"$DATABASE_URL\" -Atc 'SELECT count(*) FROM users'; dbprep-pg stop >/dev/null")
	c.Dir, c.Env = project, []string{"PATH=/usr/bin:/bin", "HOME=" + project}
	b, err := c.CombinedOutput()
	if grew := string(b); err != nil || !strings.Contains(grew, "Applied 20990101000000/migrate more") || !strings.Contains(grew, "your data is kept") ||
		strings.Contains(grew, "replacing") || !strings.HasSuffix(grew, "\n0\n1\n") {
		t.Errorf("a shell with one more migration must apply it on top of the copy, keeping its row: %v\n%s", err, grew)
	}
	// Back to the first database, which lacks the copy's newest migration:
	// the history diverged, so the copy (its server stopped) is moved aside
	// with the developer's row and a fresh one takes its place.
	back, err := shell("nobody", query+"; dbprep-pg stop >/dev/null")
	backups, _ := filepath.Glob(filepath.Join(project, ".dbprep/pgdata.backup-*"))
	if err != nil || !strings.Contains(back, "missing: 20990101000000") || len(backups) != 1 ||
		!strings.Contains(back, "is kept as "+backups[0]) || !strings.HasSuffix(back, "\n0\n") {
		t.Errorf("a diverged history must keep the old copy as a backup, then copy afresh: %v %v\n%s", err, backups, back)
	} else if _, err := os.Stat(filepath.Join(backups[0], "PG_VERSION")); err != nil {
		t.Errorf("the backup is not the data directory: %v", err)
	}
	root, err := shell("root", "echo URL=$DATABASE_URL")
	if !strings.Contains(root, "PostgreSQL refuses to run as root") || strings.Contains(root, "URL=postgres") {
		t.Errorf("as root the hook must refuse, saying why: %v\n%s", err, root)
	}
}

// A dev shell with two PostgreSQL databases runs a server for each, and
// dbprep-pg acts on every one, or on those of the variables it is given.
func TestPostgresDevShellTwoServers(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	db := mycratePostgres(e) + ".database"
	if _, err := nixTool("nix-store", "--realise", e.expr(t, db+".drvPath")); err != nil {
		t.Fatal(err)
	}
	hook := e.expr(t, `dbprep.devShellHook { databases = { DATABASE_URL = `+db+`; OTHER_DATABASE_URL = `+db+`; }; }`)
	project := nobodyProject(t)
	shell := func(script string) (string, error) {
		c := exec.Command("runuser", "-u", "nobody", "--", "bash", "-c", hook+"\n"+script)
		c.Dir = project
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + project}
		b, err := c.CombinedOutput()
		return string(b), err
	}
	t.Cleanup(func() { shell("dbprep-pg stop") })
	first, err := shell(`psql "$DATABASE_URL" -Atc 'SELECT count(*) FROM users'; psql "$OTHER_DATABASE_URL" -Atc "SELECT 'other'"; bash -c 'dbprep-pg status'`)
	pids := startedPid.FindAllStringSubmatch(first, -1)
	if err != nil || len(pids) != 2 || !strings.Contains(first, "\n0\nother\n") || strings.Count(first, "server is running") != 2 ||
		!strings.Contains(first, "DATABASE_URL:\n") || !strings.Contains(first, "OTHER_DATABASE_URL:\n") ||
		!strings.Contains(first, "stop the server with: dbprep-pg stop OTHER_DATABASE_URL") {
		t.Fatalf("two servers, each on its own socket, and dbprep-pg status for both: %v\n%s", err, first)
	}
	if pids[0][2] == pids[1][2] {
		t.Errorf("the two servers share the socket directory %s", pids[0][2])
	}
	// One by its variable; the other keeps running.
	one, err := shell(`dbprep-pg stop OTHER_DATABASE_URL; dbprep-pg status; psql "$DATABASE_URL" -Atc "SELECT 'main'"`)
	if err != nil || !strings.Contains(one, "OTHER_DATABASE_URL:\ndbprep: PostgreSQL stopped") || strings.Count(one, "server is running") != 1 ||
		!strings.Contains(one, "OTHER_DATABASE_URL:\npg_ctl: no server running") || !strings.Contains(one, "\nmain\n") {
		t.Errorf("dbprep-pg stop OTHER_DATABASE_URL, then status: %v\n%s", err, one)
	}
	bad, err := shell("dbprep-pg stop NO_SUCH_URL")
	if err == nil || !strings.Contains(bad, "no PostgreSQL database of this shell is exported as NO_SUCH_URL (they are: DATABASE_URL OTHER_DATABASE_URL") {
		t.Errorf("dbprep-pg stop NO_SUCH_URL: %v\n%s", err, bad)
	}
	all, err := shell("dbprep-pg stop; dbprep-pg status; true")
	if err != nil || strings.Count(all, "PostgreSQL stopped") != 2 || strings.Count(all, "no server running") != 2 {
		t.Errorf("dbprep-pg stop: %v\n%s", err, all)
	}
	// Each shell's hook starts what is not running: bad's started OTHER's again.
	for _, m := range startedPid.FindAllStringSubmatch(first+one+bad+all, -1) {
		if pid, _ := strconv.Atoi(m[3]); alive(pid) {
			t.Errorf("postgres (pid %d) still runs after dbprep-pg stop", pid)
		}
	}
}

// nobodyProject is a project directory that the user nobody owns, outside
// any directory of root's (PostgreSQL refuses root, so dev shells enter as
// nobody), removed after the test's other clean-ups.
func nobodyProject(t *testing.T) string {
	t.Helper()
	project, err := os.MkdirTemp("", "dbprep-devshell-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(project) })
	os.Chmod(project, 0o755)
	exec.Command("chown", "nobody", project).Run()
	return project
}

// alive says whether pid is a running process: not gone, and not a zombie
// waiting for a parent that does not reap (this machine's init does not).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}

// A dependency-free Rust crate builds with the PostgreSQL database through
// the crane and the naersk helper (crane's and naersk's own builders are
// stood in for by a cargo build with the host's cargo): `env!` sees
// DATABASE_URL at compile time, and the check phase queries the schema.
func TestPostgresRustCrate(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	if _, err := os.Stat("/usr/bin/cargo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Debian's cargo is needed (apt-get install cargo): build users cannot run root's toolchain")
		}
		t.Skip("no /usr/bin/cargo")
	}
	crate := filepath.Join(e.flake, "internal/nixtest/testdata/pgcrate")
	got := e.expr(t, fmt.Sprintf(`
let
  db = dbprep.prepareDatabase { migrations = src; engine = "postgresql"; name = "pgcrate-database"; };
  cargoBuild = args: pkgs.mkDerivation (removeAttrs args [ "cargoArtifacts" "overrideMain" ] // {
    pname = args.pname or "pgcrate"; version = "0.1.0"; src = %[1]s; doCheck = true; nonce = "%[2]d";
    configurePhase = "export CARGO_HOME=$TMPDIR/cargo CARGO_TARGET_DIR=$TMPDIR/target CARGO_TERM_COLOR=never";
    buildPhase = "cargo build --offline --release";
    checkPhase = "cargo test --offline --release -- --color never";
    installPhase = "mkdir -p $out/bin && cp $TMPDIR/target/release/pgcrate $out/bin/";
  });
  cl = craneLib // { buildDepsOnly = args: pkgs.runCommand "pgcrate-deps" { } "mkdir $out"; buildPackage = cargoBuild; };
  crane = cl.buildPackage (dbprep.craneArgsWithDatabase { database = db; craneLib = cl; } { });
  # naersk: overrideMain gets the final derivation's attributes.
  naersk = cargoBuild (let base = { pname = "pgcrate-naersk"; }; in base // (dbprep.overrideMainWithDatabase { database = db; }) base);
in builtins.concatStringsSep " " [ crane.drvPath naersk.drvPath ]`, crate, time.Now().UnixNano()))
	drvs := strings.Fields(got)
	if _, err := nixTool("nix-store", append([]string{"--realise"}, drvs...)...); err != nil {
		t.Fatal(err)
	}
	for _, d := range drvs {
		log := nix(t, "log", d)
		if !strings.Contains(log, "test users_table_is_migrated ... ok") {
			t.Errorf("the crate's test did not run against the schema:\n%s", tail(log, 2000))
		}
		assertServersGone(t, log)
	}
}

// A build whose derivation name is long (its build directory, and so a
// socket beside the data, past the 107 bytes a Unix socket path may have)
// still starts PostgreSQL: preparing the database and linking it into a
// build put the socket in the data directory, which clients reach as
// /proc/PID/cwd (nothing outside the build directory). The linking build
// runs with and without structured attributes.
func TestPostgresLongBuildName(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	long := "acme-" + strings.Repeat("very-long-package-name-", 3) + "0123456789"
	if len(long) < 66 {
		t.Fatalf("the name %q is not long enough to test anything", long)
	}
	for _, structured := range []string{"false", "true"} {
		got := e.expr(t, `
let
  db = dbprep.prepareDatabase { migrations = src; engine = "postgresql"; name = "`+long+`-database"; };
in (pkgs.mkDerivation (dbprep.overrideMainWithDatabase { database = db; } {
  pname = "`+long+`"; version = "0.1"; src = src; __structuredAttrs = `+structured+`;
  installPhase = "psql -Atc 'SELECT count(*) FROM users' > $out; echo \"socket $PGHOST\" >> $out";
})).drvPath`)
		out, err := nixTool("nix-store", "--realise", got)
		if err != nil {
			t.Fatalf("a build named %q (structured attributes: %s): %v\n%s", long, structured, err, out)
		}
		data, _ := os.ReadFile(strings.TrimSpace(out))
		if !regexp.MustCompile(`^0\nsocket /proc/[0-9]+/cwd\n$`).Match(data) {
			t.Errorf("structured attributes %s: the build's query and socket: %q", structured, data)
		}
	}
}

// A PostgreSQL build interrupted while its server runs, as a user's Ctrl-C
// interrupts `nix build` (nix-daemon then kills the build user's processes
// with SIGKILL: no trap runs), leaves nothing outside its build directory.
// Its name is long enough that the socket cannot be in the build directory
// (107 bytes), which used to put it in a /tmp/dbprep-pg.* directory that
// the kill left behind.
func TestPostgresInterruptedBuildLeavesNothing(t *testing.T) {
	e := newEnv(t)
	requireBuildUsers(t, e)
	migrations := t.TempDir()
	os.Chmod(migrations, 0o755)
	if err := os.WriteFile(filepath.Join(migrations, "1_slow.sql"), []byte("SELECT pg_sleep(60);\nCREATE TABLE slow (id int);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("interrupted-%d-%s", time.Now().UnixNano(), strings.Repeat("x", 60))
	drv := e.expr(t, `(dbprep.prepareDatabase { migrations = `+migrations+`; name = "`+name+`"; engine = "postgresql"; }).drvPath`)
	// dbprep itself first: only the database's build is interrupted.
	if _, err := nixTool("nix-store", "--realise", e.expr(t, "dbprep.dbprep.drvPath")); err != nil {
		t.Fatal(err)
	}
	// nix/postgres.sh's mktemp pattern (a dot): other tests' servers use
	// /tmp/dbprep-pg-… directories of their own, which are not this build's.
	before, _ := filepath.Glob("/tmp/dbprep-pg.*")
	build := exec.Command("nix-store", "--realise", drv)
	build.Env = append(os.Environ(), "NIX_CONFIG="+nixConfig)
	var log lockedBuffer
	build.Stdout, build.Stderr = &log, &log
	if err := build.Start(); err != nil {
		t.Fatal(err)
	}
	var m []string
	for deadline := time.Now().Add(3 * time.Minute); m == nil && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		m = startedPid.FindStringSubmatch(log.String())
	}
	if m == nil {
		build.Process.Kill()
		build.Wait()
		t.Fatalf("the build never started its server:\n%s", tail(log.String(), 3000))
	}
	pid, _ := strconv.Atoi(m[3])
	build.Process.Signal(os.Interrupt)
	build.Wait()
	for deadline := time.Now().Add(20 * time.Second); alive(pid) && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
	}
	if alive(pid) {
		t.Errorf("the interrupted build's server (pid %d) still runs", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	if !strings.HasPrefix(m[2], "/tmp/nix-build-") && !strings.HasPrefix(m[2], "/proc/") {
		t.Errorf("the server's socket was outside the build directory: %s", m[2])
	}
	after, _ := filepath.Glob("/tmp/dbprep-pg.*")
	for _, p := range after {
		// Reported, never removed: the test removes nothing it did not make.
		if !slices.Contains(before, p) {
			t.Errorf("the interrupted build left %s behind", p)
		}
	}
}

// lockedBuffer is a bytes.Buffer that a running command writes to while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
