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
	"syscall"
	"testing"
	"time"
)

// requireMariaDB fails in CI, and skips elsewhere, without the host's
// MariaDB (Debian's mariadb-server), which the stand-in's mariadb is.
func requireMariaDB(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/mariadbd"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no /usr/sbin/mariadbd: .ci/run installs mariadb-server")
		}
		t.Skip("no /usr/sbin/mariadbd (apt-get install mariadb-server)")
	}
}

// mysqlMigrations writes migrations that MySQL takes and that exercise the
// dump: an account with a password and a grant, a view, an AUTO_INCREMENT
// counter moved by a seed row, a trigger and a blob.
func mysqlMigrations(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	files := map[string]string{
		"1_users.sql":  "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, colour TEXT, avatar BLOB);\nINSERT INTO users (name, avatar) VALUES ('seed', X'00ff10');\n",
		"2_reader.sql": "CREATE USER reader IDENTIFIED BY 'secret-pass';\nGRANT SELECT ON users TO reader;\n",
		"3_view.sql":   "CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL;\nCREATE TRIGGER upper_name BEFORE INSERT ON users FOR EACH ROW SET NEW.name = UPPER(NEW.name);\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A Go program builds against a MariaDB database made from its
// migrations, with dbprep vet: the check phase queries the migrated tables
// through DATABASE_URL, and no server outlives the build or the
// database's. The prepared form is a dump with the ledger's clock pinned.
func TestMySQLGoBuild(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	out, err := e.build(t, "mycrate-mysql")
	if err != nil {
		t.Fatal(err)
	}
	log := nix(t, "log", e.eval(t, "packages."+system(t)+".mycrate-mysql.drvPath"))
	for _, want := range []string{"dbprep: DATABASE_URL=mysql://root@localhost/app?socket=/", "query checked against mysql://root@localhost/app?socket=",
		"--- PASS: TestQueryAgainstDatabaseURL", "dbprep: vet ./examples/mycrate"} {
		if !strings.Contains(log, want) {
			t.Errorf("build log lacks %q:\n%s", want, tail(log, 3000))
		}
	}
	assertServersGone(t, log)
	assertServersGone(t, nix(t, "log", e.eval(t, "packages."+system(t)+".mycrate-database-mysql.drvPath")))
	if _, err := os.Stat(filepath.Join(out, "bin", "mycrate")); err != nil {
		t.Error("no binary")
	}
	db, _ := e.build(t, "mycrate-database-mysql")
	schema, _ := os.ReadFile(filepath.Join(db, "schema.sql"))
	if !strings.Contains(string(schema), "CREATE TABLE `users` (\n  `favorite_song` text DEFAULT NULL,\n  `favorite_color` text DEFAULT NULL\n)") ||
		!strings.Contains(string(schema), "(20211209212255, 'second', TRUE, X'") {
		t.Errorf("the database's schema.sql:\n%s", schema)
	}
	dump, _ := os.ReadFile(filepath.Join(db, "dump.sql"))
	for _, want := range []string{"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `app`", "CREATE TABLE `_sqlx_migrations`",
		"(20211209212255,'second','1970-01-01 00:00:01',1,0x"} {
		if !strings.Contains(string(dump), want) {
			t.Errorf("dump.sql lacks %q:\n%s", want, tail(string(dump), 3000))
		}
	}
	if entries, _ := os.ReadDir(db); len(entries) != 2 {
		t.Errorf("the database derivation holds more than dump.sql and schema.sql: %v", entries)
	}
}

// `nix build --rebuild` builds a MySQL database again and fails unless it
// is the same bytes. The dump holds the account a migration made, without
// its password (nor its hash), with its grant; the view, the trigger and
// the seed row's blob; and loads into a new server (the build's check).
func TestMySQLRebuild(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	db := `(dbprep.prepareDatabase { migrations = ` + mysqlMigrations(t) + `; name = "rebuild-mysql"; engine = "mariadb"; })`
	out, err := nixTool("nix-store", "--realise", e.expr(t, db+".drvPath"))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := nixTool("nix", "build", "--rebuild", "--no-link", "--impure", "--expr", e.wrap(db)); err != nil {
		t.Errorf("not reproducible: %v\n%s", err, out)
	}
	dump, _ := os.ReadFile(filepath.Join(strings.TrimSpace(out), "dump.sql"))
	for _, want := range []string{"CREATE USER IF NOT EXISTS 'reader'@'%';\n", "GRANT SELECT ON `app`.`users` TO `reader`@`%`;\n",
		"VIEW `named` AS select", "/*!50003 TRIGGER upper_name BEFORE INSERT ON users FOR EACH ROW SET NEW.name = UPPER(NEW.name)", "(1,'seed',NULL,0x00FF10)",
		"AUTO_INCREMENT=2 "} {
		if !strings.Contains(string(dump), want) {
			t.Errorf("dump.sql lacks %q:\n%s", want, tail(string(dump), 5000))
		}
	}
	for _, never := range []string{"secret-pass", "IDENTIFIED", "PASSWORD", "'root'@", "mariadb.sys", "Dump completed"} {
		if strings.Contains(string(dump), never) {
			t.Errorf("dump.sql holds %q", never)
		}
	}
	if got := e.expr(t, db+".engine"); got != "mysql" {
		t.Errorf(`engine "mariadb" gives passthru.engine %q, want "mysql"`, got)
	}
}

// A build linking a MySQL database under a long name (the build directory
// too long for a socket beside the data: it goes in the data directory,
// reached through /proc) queries it with the mysql client, with and
// without structured attributes; a failing build stops the server too.
func TestMySQLLongNameAndFailingBuild(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	long := "acme-" + strings.Repeat("very-long-package-name-", 3) + "0123456789"
	db := `dbprep.prepareDatabase { migrations = src; engine = "mysql"; name = "` + long + `-database"; }`
	for _, structured := range []string{"false", "true"} {
		drv := e.expr(t, `
let db = `+db+`; in
(pkgs.mkDerivation (dbprep.overrideMainWithDatabase { database = db; } {
  pname = "`+long+`"; version = "0.1"; src = src; __structuredAttrs = `+structured+`;
  installPhase = "mariadb -N -e 'SELECT count(*) FROM users' app > $out; echo \"socket $MYSQL_UNIX_PORT\" >> $out";
})).drvPath`)
		out, err := nixTool("nix-store", "--realise", drv)
		if err != nil {
			t.Fatalf("structured attributes %s: %v\n%s", structured, err, out)
		}
		data, _ := os.ReadFile(strings.TrimSpace(out))
		if !regexp.MustCompile(`^0\nsocket /proc/[0-9]+/cwd/mysqld.sock\n$`).Match(data) {
			t.Errorf("structured attributes %s: the build's query and socket: %q", structured, data)
		}
		assertServersGone(t, nix(t, "log", drv))
	}
	drv := e.expr(t, fmt.Sprintf(`
let db = `+db+`; in
(pkgs.mkDerivation (dbprep.overrideMainWithDatabase { database = db; } {
  pname = "failing"; version = "0.1"; src = src; nonce = "%d";
  buildPhase = "echo failing on purpose; false";
})).drvPath`, time.Now().UnixNano()))
	if _, err := nixTool("nix-store", "--realise", drv); err == nil {
		t.Fatal("the failing build succeeded")
	}
	assertServersGone(t, nix(t, "log", drv))
}

// The dev shell keeps a MySQL data directory in the project, starts a
// server on entering unless one runs, reuses it on re-entering, applies a
// new migration on top of the copy keeping its rows, moves a diverged
// copy aside as a backup, and `dbprep-my stop` stops it. As an ordinary user and as root (MySQL runs as root when told).
func TestMySQLDevShell(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	db := `(dbprep.prepareDatabase { migrations = src; name = "mycrate-database-mysql"; engine = "mysql"; })`
	if _, err := nixTool("nix-store", "--realise", e.expr(t, db+".drvPath")); err != nil {
		t.Fatal(err)
	}
	hook := e.expr(t, `dbprep.devShellHook { database = `+db+`; }`)
	for _, user := range []string{"nobody", "root"} {
		project := nobodyProject(t)
		shell := func(hook, script string) (string, error) {
			c := exec.Command("runuser", "-u", user, "--", "bash", "-c", hook+"\n"+script)
			c.Dir = project
			c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + project}
			b, err := c.CombinedOutput()
			return string(b), err
		}
		current := hook
		t.Cleanup(func() { shell(current, "dbprep-my stop") })
		query := `mariadb -N -e 'SELECT count(*) FROM users' app`
		first, err := shell(hook, "echo URL=$DATABASE_URL; "+query)
		if err != nil || !strings.Contains(first, "loaded the prepared database into "+filepath.Join(project, ".dbprep/mysqldata")) ||
			!strings.Contains(first, "MySQL started") || !strings.Contains(first, "URL=mysql://root@localhost/app?socket=") || !strings.HasSuffix(first, "\n0\n") {
			t.Fatalf("%s: first shell: %v\n%s", user, err, first)
		}
		m := startedPid.FindStringSubmatch(first)
		second, err := shell(hook, "type -t dbprep-my; bash -c 'dbprep-my status'")
		if err != nil || !strings.Contains(second, "MySQL already runs") || strings.Contains(second, "loaded") ||
			!strings.Contains(second, "dbprep: MySQL runs (pid "+m[3]) || !strings.Contains(second, "\nfile\n") {
			t.Errorf("%s: second shell must reuse the server, and dbprep-my be a program: %v\n%s", user, err, second)
		}
		// A migration added: applied to the copy, the row kept.
		grown := t.TempDir()
		os.Chmod(grown, 0o755)
		entries, _ := os.ReadDir(filepath.Join(e.flake, "examples/mycrate/migrations"))
		for _, en := range entries {
			data, _ := os.ReadFile(filepath.Join(e.flake, "examples/mycrate/migrations", en.Name()))
			os.WriteFile(filepath.Join(grown, en.Name()), data, 0o644)
		}
		os.WriteFile(filepath.Join(grown, "20990101000000_more.sql"), []byte("CREATE TABLE more (x int);\n"), 0o644)
		grownDb := `(dbprep.prepareDatabase { migrations = ` + grown + `; name = "mycrate-database-mysql"; engine = "mysql"; })`
		if _, err := nixTool("nix-store", "--realise", e.expr(t, grownDb+".drvPath")); err != nil {
			t.Fatal(err)
		}
		if out, err := shell(hook, `mariadb -e "INSERT INTO users VALUES ('kept', 'blue')" app`); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		current = e.expr(t, `dbprep.devShellHook { database = `+grownDb+`; }`)
		grew, err := shell(current, `mariadb -N -e 'SELECT count(*) FROM more' app; `+query)
		if err != nil || !strings.Contains(grew, "Applied 20990101000000/migrate more") || !strings.Contains(grew, "your data is kept") ||
			strings.Contains(grew, "replacing") || !strings.HasSuffix(grew, "\n0\n1\n") {
			t.Errorf("%s: a shell with one more migration must apply it on top of the copy, keeping its row: %v\n%s", user, err, grew)
		}
		// A new migration that fails on the copy's rows after a DDL
		// statement: MySQL keeps that statement, and the shell says so.
		os.WriteFile(filepath.Join(grown, "20990102000000_unique.sql"), []byte("CREATE TABLE t2 (x int);\nALTER TABLE users ADD UNIQUE KEY song (favorite_song(10));\n"), 0o644)
		failingDb := `(dbprep.prepareDatabase { migrations = ` + grown + `; name = "mycrate-database-mysql"; engine = "mysql"; })`
		if _, err := nixTool("nix-store", "--realise", e.expr(t, failingDb+".drvPath")); err != nil {
			t.Fatal(err)
		}
		if out, err := shell(current, `mariadb -e "INSERT INTO users VALUES ('same', 'x'), ('same', 'y')" app`); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		current = e.expr(t, `dbprep.devShellHook { database = `+failingDb+`; }`)
		failed, _ := shell(current, `mariadb -N -e 'SELECT count(*) FROM t2' app`)
		if !strings.Contains(failed, "MySQL kept what ran before the failing statement") || !strings.Contains(failed, "MySQL commits each DDL statement") ||
			!strings.HasSuffix(failed, "\n0\n") {
			t.Errorf("%s: a migration failing on the copy after DDL must say what MySQL kept: %v\n%s", user, err, failed)
		}
		// Back to the first database: the history diverged, so the copy
		// (its server stopped) is moved aside with the row, and replaced.
		current = hook
		back, err := shell(current, query)
		backups, _ := filepath.Glob(filepath.Join(project, ".dbprep/mysqldata.backup-*"))
		if err != nil || !strings.Contains(back, "missing: 20990101000000") || len(backups) != 1 ||
			!strings.Contains(back, "is kept as "+backups[0]) || !strings.HasSuffix(back, "\n0\n") {
			t.Errorf("%s: a diverged history must keep the old copy as a backup, then load afresh: %v %v\n%s", user, err, backups, back)
		} else if _, err := os.Stat(filepath.Join(backups[0], "app", "more.frm")); err != nil {
			t.Errorf("%s: the backup is not the data directory with the developer's tables: %v", user, err)
		}
		stop, err := shell(current, "dbprep-my stop; dbprep-my status; true")
		if err != nil || !strings.Contains(stop, "MySQL stopped") || !strings.Contains(stop, "no MySQL server runs") {
			t.Errorf("%s: dbprep-my stop: %v\n%s", user, err, stop)
		}
		for _, s := range startedPid.FindAllStringSubmatch(first+grew+failed+back, -1) {
			if pid, _ := strconv.Atoi(s[3]); alive(pid) {
				t.Errorf("%s: mariadbd (pid %d) still runs after dbprep-my stop", user, pid)
			}
		}
		if out, err := shell(current, "dbprep-my stop >/dev/null; dbprep-pg stop"); err == nil || !strings.Contains(out, "no dev shell PostgreSQL database here") {
			t.Errorf("dbprep-pg in a MySQL shell: %v\n%s", err, out)
		}
	}
}

// databases mixes a SQLite and a MySQL database in one build: each
// variable is set, each database is readable there, the MySQL server is
// stopped at the end, and vet's engine table knows MySQL's name.
func TestMySQLBesideSQLite(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	drv := e.expr(t, fmt.Sprintf(`
(pkgs.mkDerivation (dbprep.overrideMainWithDatabase {
  databases = { DATABASE_URL = src; MY_DATABASE_URL = { migrations = src; engine = "mysql"; }; };
} {
  pname = "mixed"; version = "0.1"; src = src; nonce = "%d";
  installPhase = ''
    sqlite3 "''${DATABASE_URL#sqlite://}" 'SELECT count(*) FROM users' > $out
    mariadb --no-defaults -S "''${MY_DATABASE_URL##*socket=}" -u root -N -e 'SELECT count(*) FROM users' app >> $out
    echo "$MY_DATABASE_URL" >> $out
  '';
})).drvPath`, time.Now().UnixNano()))
	out, err := nixTool("nix-store", "--realise", drv)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, _ := os.ReadFile(strings.TrimSpace(out))
	if !regexp.MustCompile(`^0\n0\nmysql://root@localhost/app\?socket=/\S+/dbprep-my-MY_DATABASE_URL/mysqld.sock\n$`).Match(data) {
		t.Errorf("the build's queries and MySQL URL: %q", data)
	}
	assertServersGone(t, nix(t, "log", drv))
}

// A MySQL build interrupted while its server runs (nix-daemon then kills
// the build user's processes with SIGKILL: no trap runs) leaves no server
// running and nothing outside its build directory: with a long name the
// socket is in the data directory, reached through /proc.
func TestMySQLInterruptedBuildLeavesNothing(t *testing.T) {
	requireMariaDB(t)
	e := newEnv(t)
	requireBuildUsers(t, e)
	migrations := t.TempDir()
	os.Chmod(migrations, 0o755)
	if err := os.WriteFile(filepath.Join(migrations, "1_slow.sql"), []byte("DO SLEEP(60);\nCREATE TABLE slow (id int);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("interrupted-my-%d-%s", time.Now().UnixNano(), strings.Repeat("x", 60))
	drv := e.expr(t, `(dbprep.prepareDatabase { migrations = `+migrations+`; name = "`+name+`"; engine = "mysql"; }).drvPath`)
	if _, err := nixTool("nix-store", "--realise", e.expr(t, "dbprep.dbprep.drvPath")); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob("/tmp/dbprep-my.*")
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
	time.Sleep(time.Second) // into the migration's SLEEP
	build.Process.Signal(os.Interrupt)
	build.Wait()
	for deadline := time.Now().Add(20 * time.Second); alive(pid) && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
	}
	if alive(pid) {
		t.Errorf("the interrupted build's server (pid %d) still runs", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	if !strings.HasPrefix(m[2], "/proc/") {
		t.Errorf("with a long name the socket must be in the data directory, through /proc: %s", m[2])
	}
	after, _ := filepath.Glob("/tmp/dbprep-my.*")
	for _, p := range after {
		if !slices.Contains(before, p) {
			t.Errorf("the interrupted build left %s behind", p)
		}
	}
}
