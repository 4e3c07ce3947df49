// Package pgx is a stand-in for github.com/jackc/pgx/v5 with the shapes of
// its API that dbprep vet knows, so that the fixtures type-check offline.
package pgx

import "context"

type CommandTag struct{}

type Row interface{ Scan(dest ...any) error }

type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Close()
	Err() error
}

type Conn struct{}

func (c *Conn) Exec(ctx context.Context, sql string, args ...any) (CommandTag, error) {
	return CommandTag{}, nil
}
func (c *Conn) Query(ctx context.Context, sql string, args ...any) (Rows, error) { return nil, nil }
func (c *Conn) QueryRow(ctx context.Context, sql string, args ...any) Row        { return nil }
func (c *Conn) Prepare(ctx context.Context, name, sql string) (*StatementDescription, error) {
	return nil, nil
}
func (c *Conn) Begin(ctx context.Context) (Tx, error) { return nil, nil }

type StatementDescription struct{}

type Tx interface {
	Exec(ctx context.Context, sql string, args ...any) (CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
	Prepare(ctx context.Context, name, sql string) (*StatementDescription, error)
	Commit(ctx context.Context) error
}

type Batch struct{}

type QueuedQuery struct{}

func (b *Batch) Queue(query string, arguments ...any) *QueuedQuery { return nil }

type NamedArgs map[string]any

func (na NamedArgs) RewriteQuery(ctx context.Context, sql string, args []any) (string, []any, error) {
	return sql, args, nil
}

type QueryRewriter interface {
	RewriteQuery(ctx context.Context, sql string, args []any) (string, []any, error)
}

type QueryExecMode int32

const QueryExecModeSimpleProtocol QueryExecMode = 5
