package engines_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/engine/postgres"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/store"
)

// linked is both programs' list.
var linked = engines.Set{sqlite.Engine, postgres.Engine}

// exampleURLs are a URL of each engine, as its users write them.
var exampleURLs = map[engine.Engine]string{
	engine.SQLite:   "sqlite:app.db",
	engine.Postgres: "postgres://app@localhost/app",
}

// The compiler checks that each engine's value has its store, admin and
// query checker (engines.Engine); the driver-free parts that sqlxmigrate
// shares live in tables of dburl and ledger, checked here.
func TestEveryEngineHasItsDriverFreeParts(t *testing.T) {
	for _, eng := range linked {
		e := eng.Name()
		t.Run(e.String(), func(t *testing.T) {
			if strings.HasPrefix(e.String(), "Engine(") {
				t.Errorf("%v has no name in engine.go's String", e)
			}
			raw, ok := exampleURLs[e]
			if !ok {
				t.Fatalf("no example URL for %v in this test", e)
			}
			u, err := dburl.Parse(raw)
			if err != nil || u.Engine != e {
				t.Fatalf("dburl.Parse(%s) = %v, %v: dburl.go's Parse has no case for %v", raw, u.Engine, err, e)
			}
			if got, err := linked.For(u); err != nil || got.Name() != e {
				t.Errorf("For(%s) = %v, %v", raw, got, err)
			}
			d, err := ledger.DialectOf(e)
			if err != nil {
				t.Fatalf("ledger: %v (a Dialect in internal/ledger/%s.go, in dialect.go's table)", err, e)
			}
			if d.Engine() != e {
				t.Errorf("ledger.DialectOf(%v).Engine() = %v", e, d.Engine())
			}
			if ddl := d.LedgerDDL(); !strings.Contains(ddl, "CREATE TABLE IF NOT EXISTS %s") {
				t.Errorf("%v's ledger DDL has no CREATE TABLE IF NOT EXISTS %%s: %q", e, ddl)
			}
			if len(d.Drivers()) == 0 || d.Imports() == "" {
				t.Errorf("%v's dialect names no database/sql driver to import", e)
			}
			if p1, p2 := d.Placeholder(1), d.Placeholder(2); p1 == p2 || !strings.HasSuffix(p2, "2") {
				t.Errorf("%v's placeholders: %q, %q", e, p1, p2)
			}
		})
	}
}

// A program that does not link an engine says which it links.
func TestNotLinked(t *testing.T) {
	u, err := dburl.Parse("postgres://app@localhost/app")
	if err != nil {
		t.Fatal(err)
	}
	_, err = engines.Set{sqlite.Engine}.Open(t.Context(), u, storeConfig)
	var nl *engines.NotLinkedError
	if !errors.As(err, &nl) || !errors.Is(err, dburl.ErrUnsupportedScheme) || !strings.Contains(err.Error(), "this program links sqlite") {
		t.Errorf("postgres on a SQLite-only program: %v", err)
	}
	if _, err := ledger.DialectOf(99); err == nil {
		t.Error("ledger.DialectOf(99) succeeded")
	}
}

var storeConfig = store.OpenConfig{}
