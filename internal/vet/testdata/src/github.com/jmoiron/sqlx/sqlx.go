// Package sqlx is a stand-in for github.com/jmoiron/sqlx with the shapes of
// its API that dbprep vet knows.
package sqlx

import (
	"context"
	"database/sql"
)

type DB struct{ *sql.DB }

type Tx struct{ *sql.Tx }

type Row struct{}

func (r *Row) Scan(dest ...any) error    { return nil }
func (r *Row) StructScan(dest any) error { return nil }

type Rows struct{ *sql.Rows }

func (db *DB) Get(dest any, query string, args ...any) error    { return nil }
func (db *DB) MapperFunc(mf func(string) string)                {}
func (db *DB) Select(dest any, query string, args ...any) error { return nil }
func (db *DB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (db *DB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (db *DB) Queryx(query string, args ...any) (*Rows, error)     { return nil, nil }
func (db *DB) QueryRowx(query string, args ...any) *Row            { return nil }
func (db *DB) MustExec(query string, args ...any) sql.Result       { return nil }
func (db *DB) NamedExec(query string, arg any) (sql.Result, error) { return nil, nil }
func (db *DB) NamedQuery(query string, arg any) (*Rows, error)     { return nil, nil }
func (db *DB) Rebind(query string) string                          { return query }
func (tx *Tx) Get(dest any, query string, args ...any) error       { return nil }
func (tx *Tx) Select(dest any, query string, args ...any) error    { return nil }
func (tx *Tx) NamedExec(query string, arg any) (sql.Result, error) { return nil, nil }
func (tx *Tx) Rebind(query string) string                          { return query }

func In(query string, args ...any) (string, []any, error) { return query, args, nil }

func Rebind(bindType int, query string) string { return query }

const DOLLAR = 2

func Get(q *DB, dest any, query string, args ...any) error    { return nil }
func Select(q *DB, dest any, query string, args ...any) error { return nil }
