// Package engines is the list of database engines a program links. Each
// engine's package (internal/engine/sqlite, internal/engine/postgres)
// exports one value that implements Engine; each program's main passes
// its list to the command line, and everything that reaches a database
// goes through that list. Nothing registers itself: an engine a main does
// not name is not linked, and an engine's package that lacks a part does
// not compile where it is named.
//
// To add an engine: a directory internal/engine/<engine> exporting its
// Engine (its store on package ledger's SQLStore, its Admin, its query
// checker), its URL rules in internal/dburl and its ledger dialect in
// internal/ledger (driver-free, for sqlxmigrate), one line in each main's
// list, and nix/engine-<engine>.nix.
package engines

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/store"
)

// Engine is everything dbprep does on one database engine through a
// driver.
type Engine interface {
	// Name is the engine a URL's scheme names (dburl.Parse).
	Name() engine.Engine
	// Open opens the ledger store of the database at u.
	Open(ctx context.Context, u dburl.URL, cfg store.OpenConfig) (store.Store, error)
	// Admin creates, finds and drops the database at u.
	Admin(u dburl.URL, cfg store.AdminConfig) store.Admin
	// Checker opens dbprep vet's query checker on the database at u. It
	// never changes the database.
	Checker(ctx context.Context, u dburl.URL, o querycheck.Options) (*querycheck.Checker, error)
}

// Set is the engines a program links, in the order its main lists them.
type Set []Engine

// For is the engine of u (dburl.Parse has named it).
func (s Set) For(u dburl.URL) (Engine, error) {
	for _, e := range s {
		if e.Name() == u.Engine {
			return e, nil
		}
	}
	return nil, &NotLinkedError{Engine: u.Engine, Linked: s.names()}
}

// Open opens the store of the database at u.
func (s Set) Open(ctx context.Context, u dburl.URL, cfg store.OpenConfig) (store.Store, error) {
	e, err := s.For(u)
	if err != nil {
		return nil, err
	}
	return e.Open(ctx, u, cfg)
}

// Admin administers the database at u.
func (s Set) Admin(u dburl.URL, cfg store.AdminConfig) (store.Admin, error) {
	e, err := s.For(u)
	if err != nil {
		return nil, err
	}
	return e.Admin(u, cfg), nil
}

// Checker opens a query checker on the database at u.
func (s Set) Checker(ctx context.Context, u dburl.URL, o querycheck.Options) (*querycheck.Checker, error) {
	e, err := s.For(u)
	if err != nil {
		return nil, err
	}
	return e.Checker(ctx, u, o)
}

func (s Set) names() []string {
	var out []string
	for _, e := range s {
		out = append(out, e.Name().String())
	}
	return out
}

// NotLinkedError is a URL of an engine the program does not link.
type NotLinkedError struct {
	Engine engine.Engine
	Linked []string
}

func (e *NotLinkedError) Error() string {
	return fmt.Sprintf("%v: %s: this program links %s", dburl.ErrUnsupportedScheme, e.Engine, strings.Join(e.Linked, " and "))
}

func (e *NotLinkedError) Unwrap() error { return dburl.ErrUnsupportedScheme }
