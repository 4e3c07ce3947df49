package wrappers

import (
	"context"
	"database/sql"
)

// DBTX is sqlc's interface: *sql.DB and *sql.Tx both satisfy it.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

type Queries struct{ db DBTX }

const getUser = `-- name: GetUser :one
SELECT id, email FROM users WHERE id = $1
`

func (q *Queries) GetUser(ctx context.Context, id int64) (int64, string, error) {
	var uid int64
	var email string
	err := q.db.QueryRowContext(ctx, getUser, id).Scan(&uid, &email)
	return uid, email, err
}

func (q *Queries) Broken(ctx context.Context, id int64) error {
	_, err := q.db.ExecContext(ctx, "DELETE FROM users WHERE uid = $1", id) // want `no such column: uid|column "uid" does not exist`
	return err
}

// Store embeds *sql.DB: its methods are database/sql's.
type Store struct{ *sql.DB }

func (s Store) Count() (n int64) {
	s.QueryRow("SELECT count(*) FROM users").Scan(&n)
	s.QueryRow("SELECT count(*), 1 FROM posts").Scan(&n) // want `Scan has 1 destination for 2 columns`
	return n
}

// Logged wraps a database with methods of database/sql's shape: a call of
// them with constant SQL is checked at the call.
type Logged struct{ db *sql.DB }

func (l *Logged) Exec(query string, args ...any) (sql.Result, error) {
	return l.db.Exec(query, args...)
}

// Exec here is not SQL: its parameters are not database/sql's.
type Runner struct{}

func (Runner) Exec(name string, argv []string) error { return nil }

func use(l *Logged, r Runner) {
	l.Exec("UPDATE posts SET title = $1", "t")
	l.Exec("UPDATE postz SET title = $1", "t") // want `no such table: postz|relation "postz" does not exist`
	r.Exec("not sql", nil)
}
