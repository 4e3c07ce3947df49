package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/store"
	_ "github.com/dbprep/dbprep/internal/store/postgres" // registers its backend, as in both programs
)

// exampleURLs are a URL of each engine, as its users write them.
var exampleURLs = map[engine.Engine]string{
	engine.SQLite:   "sqlite:app.db",
	engine.Postgres: "postgres://app@localhost/app",
}

// Every engine in engine.All has every part the list in
// internal/store/backend.go names: adding an engine to All and missing a
// part fails here, not in a user's run.
func TestEveryEngineHasEveryPart(t *testing.T) {
	for _, e := range engine.All() {
		t.Run(e.String(), func(t *testing.T) {
			if strings.HasPrefix(e.String(), "Engine(") {
				t.Errorf("%v has no name in engine.go's String", e)
			}
			raw, ok := exampleURLs[e]
			if !ok {
				t.Fatalf("no example URL for %v in this test", e)
			}
			if u, err := dburl.Parse(raw); err != nil || u.Engine != e {
				t.Errorf("dburl.Parse(%s) = %v, %v: dburl.go's Parse has no case for %v", raw, u.Engine, err, e)
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
			if !store.Supports(e) {
				t.Errorf("store: no Backend for %v (internal/store/backend.go's backends, or a package of its own that calls store.Register, imported above)", e)
			}
			if !querycheck.Supports(e) {
				t.Errorf("querycheck: dbprep vet cannot check %v queries (internal/querycheck/querycheck.go's engines)", e)
			}
		})
	}
}

// An engine that is not in All has no part anywhere, and says so.
func TestUnknownEngine(t *testing.T) {
	var unknown engine.Engine = 99
	if _, err := ledger.DialectOf(unknown); err == nil {
		t.Error("ledger.DialectOf(99) succeeded")
	}
	if store.Supports(unknown) || querycheck.Supports(unknown) {
		t.Error("an unknown engine has a backend")
	}
	if _, err := store.For(dburl.URL{Engine: unknown}); err == nil {
		t.Error("store.For(engine 99) succeeded")
	}
	if got := fmt.Sprint(unknown); got != "Engine(99)" {
		t.Errorf("String = %q", got)
	}
}
