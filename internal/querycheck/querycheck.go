// Package querycheck asks a real database what it makes of a query without
// running it for real: SQLite prepares it against an in-memory copy of the
// database file, PostgreSQL describes it inside a transaction that is rolled
// back. A script of several statements is checked statement by statement, in
// order, each one run (in that copy, or that transaction) before the next is
// prepared, so that later statements see earlier DDL.
package querycheck

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/sqllex"
)

// Column is a result column of a query.
type Column struct {
	Name string
	// Type is PostgreSQL's type name (text, int8, …), or SQLite's declared
	// type of the column the value comes from ("" for expressions).
	Type string
	// Null is whether the column can be NULL; Why says why it can, in
	// words for a message ("users.email has no NOT NULL").
	Null Null
	Why  string
}

// Result is what the database made of a query.
type Result struct {
	// Err is the database's complaint, nil when the query prepared.
	Err *Error
	// Params is the number of bind parameters over all statements.
	Params int
	// Columns are the result columns of the last statement.
	Columns []Column
	// Statements is how many statements the query holds.
	Statements int
}

// Error is the database's message for a query, and where in the query it
// points (a byte offset, or -1).
type Error struct {
	Msg    string
	Offset int
}

func (e *Error) Error() string { return e.Msg }

// Describer is one engine's way of checking queries, from the engine's
// package (internal/engine/<engine>). It is not safe for concurrent use;
// Checker serializes it.
type Describer interface {
	// Describe prepares sql, never changing the database, and says what
	// the database made of it.
	Describe(ctx context.Context, sql string) Result
	// Close ends the describer's connection.
	Close() error
}

// Checker checks queries against one database, each distinct query once.
// It is safe for concurrent use.
type Checker struct {
	// Postgres says whether the database is PostgreSQL (placeholders are
	// $n there, ? in SQLite).
	Postgres bool
	// Engine is the database's engine.
	Engine engine.Engine

	mu   sync.Mutex
	eng  Describer
	memo map[string]Result
}

// Options are how to reach a server.
type Options struct {
	// ConnectTimeout bounds retries while a server refuses connections;
	// zero means 10 s.
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for a server.
	OnWait func(string)
}

// New is a checker of e's queries through d.
func New(e engine.Engine, d Describer) *Checker {
	return &Checker{Postgres: e == engine.Postgres, Engine: e, eng: d, memo: map[string]Result{}}
}

// Check prepares sql against the database and reports what it found.
func (c *Checker) Check(ctx context.Context, sql string) Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.memo[sql]; ok {
		return r
	}
	r := c.eng.Describe(ctx, sql)
	c.memo[sql] = r
	return r
}

// Close closes the connection.
func (c *Checker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eng.Close()
}

// Errorf is the database's complaint at byte offset offset of the query
// (-1: nowhere in particular).
func Errorf(offset int, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Offset: offset}
}

// IsDDL reports whether sql's first statement changes the schema: CREATE,
// ALTER or DROP (after comments). The database checks such a statement
// for its syntax only: whether its table or index exists depends on when
// it runs (a Go-coded migration runs against an older schema), which the
// prepared schema cannot say.
func IsDDL(sql string) bool {
	switch FirstWord(sql) {
	case "CREATE", "ALTER", "DROP":
		return true
	}
	return false
}

// FirstWord is sql's first keyword, upper-cased, after white space and
// comments; "" when it starts with anything else.
func FirstWord(sql string) string {
	for t := range sqllex.Tokens(sql, sqllex.Postgres) {
		switch {
		case t.Kind == sqllex.Word:
			return strings.ToUpper(t.Text(sql))
		case t.Code() || t.Kind == sqllex.String || t.Kind == sqllex.QuotedName || t.Kind == sqllex.DollarBody:
			return ""
		}
	}
	return ""
}
