package vet_test

import (
	"context"
	"database/sql"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/engine/mysql"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/testdb"
	"github.com/dbprep/dbprep/internal/vet"
	"github.com/dbprep/dbprep/sqlxmigrate"
	_ "github.com/go-sql-driver/mysql" // the drivers sqlxmigrate.Run uses
	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// linked are the engines, as both programs link them.
var linked = engines.Set{sqlite.Engine, postgres.Engine, mysql.Engine}

// migrated applies testdata/migrations to the database at url.
func migrated(t *testing.T, url string) string {
	t.Helper()
	if _, err := sqlxmigrate.Run(context.Background(), url, os.DirFS("testdata"), "migrations", sqlxmigrate.Options{CreateIfMissing: true}); err != nil {
		t.Fatal(err)
	}
	return url
}

// opener opens checkers on both engines, closed when t ends.
func opener(t *testing.T) vet.OpenFunc {
	var opened []*querycheck.Checker
	t.Cleanup(func() {
		for _, c := range opened {
			c.Close()
		}
	})
	return func(raw string) (*querycheck.Checker, error) {
		c, err := vet.Opener(linked, querycheck.Options{})(raw)
		if c != nil {
			opened = append(opened, c)
		}
		return c, err
	}
}

// analyzer checks against url, set as go vet sets it: -dbprep.database.
func analyzer(t *testing.T, url string) *analysis.Analyzer {
	t.Helper()
	a := vet.New(vet.Config{Open: opener(t)})
	if err := a.Flags.Set("database", url); err != nil {
		t.Fatal(err)
	}
	return a
}

// Both engines: the same fixtures, each bad query found at its line.
var common = []string{"stdlib", "pgxcase", "sqlxcase", "consts", "ignored", "wrappers", "nulls", "ddl", "helpers", "sqlxmapper", "sqlxmapperunknown"}

func TestSQLite(t *testing.T) {
	url := migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "db.sqlite3"))
	analysistest.Run(t, analysistest.TestData(), analyzer(t, url), common...)
}

func TestPostgres(t *testing.T) {
	url := migrated(t, testdb.Postgres(t).Fresh(t))
	analysistest.Run(t, analysistest.TestData(), analyzer(t, url), append(common, "pgtypes")...)
}

func TestMySQL(t *testing.T) {
	srv := testdb.MySQL(t)
	url := migrated(t, srv.URL(srv.Fresh(t)))
	analysistest.Run(t, analysistest.TestData(), analyzer(t, url), "mysqlcase")
}

// --null=strict (go vet's -dbprep.null=strict) reports a column with a
// DEFAULT and no NOT NULL too; off reports none.
func TestNullModes(t *testing.T) {
	for name, url := range map[string]string{
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "db.sqlite3"),
		"postgres": testdb.Postgres(t).Fresh(t),
	} {
		t.Run(name, func(t *testing.T) {
			migrated(t, url)
			a := analyzer(t, url)
			if err := a.Flags.Set("null", "strict"); err != nil {
				t.Fatal(err)
			}
			analysistest.Run(t, analysistest.TestData(), a, "nullstrict")
			if err := a.Flags.Set("null", "sometimes"); err == nil {
				t.Error("-null=sometimes was taken")
			}
		})
	}
}

// One package, two engines: each file is checked against the database of
// the engine it declares (//dbprep:engine, a build tag), undeclared files
// against the default; without a database for an engine its files are
// skipped, and say why.
func TestEngines(t *testing.T) {
	t.Setenv("GOFLAGS", "-tags=postgres")
	sqliteURL := migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "db.sqlite3"))
	pgURL := migrated(t, testdb.Postgres(t).Fresh(t))
	a := analyzer(t, sqliteURL)
	if err := a.Flags.Set("engine-url", "postgres="+pgURL); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), a, "twoengines", "badengine")

	// Without the PostgreSQL database: pg.go's and pgtag.go's calls are
	// skipped, SQLite's still checked.
	a = analyzer(t, sqliteURL)
	res := analysistest.Run(&silent{T: t}, analysistest.TestData(), a, "twoengines")
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	sk := res[0].Result.(*vet.Skipped)
	if len(sk.NoDatabase) != 7 || len(sk.Checked) != 2 || !slices.ContainsFunc(sk.NoDatabase, func(s vet.SkippedCall) bool {
		return strings.Contains(s.Why, "the file is for postgres, and no postgres database was given")
	}) {
		t.Errorf("without a postgres database: checked %d, skipped %+v", len(sk.Checked), sk.NoDatabase)
	}
	// An --engine-url of the wrong engine is an error.
	a = analyzer(t, sqliteURL)
	a.Flags.Set("engine-url", "postgres="+sqliteURL)
	res = analysistest.Run(&silent{T: t}, analysistest.TestData(), a, "twoengines")
	if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "is a sqlite database") {
		t.Errorf("a sqlite URL for postgres: %+v", res)
	}
}

// A file marked //dbprep:engine mysql is checked against the MySQL
// database given for it, and skipped, with why, without one: its queries
// are MySQL's (twoengines/mysql.go has two that fail on both other
// engines, and no want).
func TestMySQLFilesSkipped(t *testing.T) {
	a := analyzer(t, migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "db.sqlite3")))
	res := analysistest.Run(&silent{T: t}, analysistest.TestData(), a, "twoengines")
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	n := 0
	for _, s := range res[0].Result.(*vet.Skipped).NoDatabase {
		if strings.HasSuffix(s.Pos.Filename, "mysql.go") {
			n++
			if !strings.Contains(s.Why, "the file is for mysql, and no mysql database was given (--engine-url mysql=URL)") {
				t.Errorf("%s: %s", s.Pos, s.Why)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d of mysql.go's 2 calls skipped", n)
	}
	if e := vet.DefaultEngineTags()["mariadb"]; e != engine.MySQL {
		t.Error("the build tag mariadb declares no engine")
	}
	// Given a MySQL database, the file is checked there.
	srv := testdb.MySQL(t)
	a = analyzer(t, migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "db2.sqlite3")))
	if err := a.Flags.Set("engine-url", "mysql="+migrated(t, srv.URL(srv.Fresh(t)))); err != nil {
		t.Fatal(err)
	}
	res = analysistest.Run(&silent{T: t}, analysistest.TestData(), a, "twoengines")
	for _, s := range res[0].Result.(*vet.Skipped).NoDatabase {
		if strings.HasSuffix(s.Pos.Filename, "mysql.go") {
			t.Errorf("%s skipped with a MySQL database given: %s", s.Pos, s.Why)
		}
	}
}

// A virtual table's columns (FTS5) cannot be declared NOT NULL: scanning
// one into a string is not reported, a plain table's nullable column is.
func TestSQLiteVirtualTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	url := migrated(t, "sqlite:"+path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE VIRTUAL TABLE docs USING fts5(title, body)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	analysistest.Run(t, analysistest.TestData(), analyzer(t, url), "virtualtable")
}

// Under go vet, $DBPREP_VET_ENGINE_URLS gives the other engine's database
// and go vet's cache key (-V=full) follows its schema too.
func TestEngineURLsEnv(t *testing.T) {
	t.Setenv("GOFLAGS", "-tags=postgres")
	t.Setenv("DATABASE_URL", migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "db.sqlite3")))
	srv := testdb.Postgres(t)
	pgURL := migrated(t, srv.Fresh(t))
	t.Setenv("DBPREP_VET_ENGINE_URLS", "postgres="+pgURL)
	cfg, err := vet.EnvConfig(os.Getenv, opener(t))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), vet.New(cfg), "twoengines")

	before := vet.FullVersion("dbprep-vet", linked, cfg)
	name := pgURL[strings.LastIndex(pgURL, "/")+1 : strings.Index(pgURL, "?")]
	srv.Exec(t, name, "CREATE TABLE extra (id BIGINT)")
	if vet.FullVersion("dbprep-vet", linked, cfg) == before {
		t.Error("-V=full did not change with the schema of the database in $DBPREP_VET_ENGINE_URLS")
	}
	srv.Exec(t, name, "DROP TABLE extra")
	if vet.FullVersion("dbprep-vet", linked, cfg) != before {
		t.Error("-V=full did not come back with the schema")
	}
	t.Setenv("DBPREP_VET_ENGINE_URLS", "oracle=x")
	if _, err := vet.EnvConfig(os.Getenv, opener(t)); err == nil || !strings.Contains(err.Error(), `unknown engine "oracle"`) || !strings.Contains(err.Error(), "$DBPREP_VET_ENGINE_URLS") {
		t.Errorf("a bad $DBPREP_VET_ENGINE_URLS: %v", err)
	}
}

// silent is a testing.T whose Errorf is not a failure: for reading
// analysistest's results while its want comments are for another run.
type silent struct {
	*testing.T
}

func (s *silent) Errorf(format string, args ...any) {}

// dbprep vet ./examples/mycrate, tests included, is clean against the
// example's migrations on both engines (the Nix builds of mycrate and
// mycrate-postgres run it with vet = true).
func TestExampleCleanOnBothEngines(t *testing.T) {
	urls := map[string]string{
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "db.sqlite3"),
		"postgres": testdb.Postgres(t).Fresh(t),
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadSyntax, Tests: true, Dir: "../../examples/mycrate"}, ".")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("loading the example: %v", err)
	}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			if _, err := sqlxmigrate.Run(context.Background(), url, os.DirFS("../../examples/mycrate"), "migrations", sqlxmigrate.Options{CreateIfMissing: true}); err != nil {
				t.Fatal(err)
			}
			graph, err := checker.Analyze([]*analysis.Analyzer{analyzer(t, url)}, pkgs, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, act := range graph.Roots {
				if act.Err != nil {
					t.Fatal(act.Err)
				}
				for _, d := range act.Diagnostics {
					t.Errorf("%s: %s", act.Package.Fset.Position(d.Pos), d.Message)
				}
			}
		})
	}
}
