package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/ledger"
)

// PostgresLedgerDDL is sqlx's ledger table for PostgreSQL, byte for byte.
const PostgresLedgerDDL = ledger.PostgresLedgerDDL

// LockKey is sqlx's advisory-lock key for a database name.
func LockKey(database string) int64 { return ledger.LockKey(database) }

// Postgres is a Store on one pgx connection.
type Postgres struct {
	conn   *pgx.Conn
	table  string
	pin    *time.Time
	schema []string
	// lockKey is set while this store holds the advisory lock.
	lockKey *int64
}

// PostgresConfig is how to open a PostgreSQL store.
type PostgresConfig struct {
	// URL is a postgres:// URL with any pgx connection parameter.
	URL string
	// ConnectTimeout bounds retries of refused connections; 0 means 10 s.
	ConnectTimeout time.Duration
	// OnWait, when set, is told while connecting waits for the server.
	OnWait func(string)
	// CreateSchemas are created (IF NOT EXISTS) before the ledger.
	CreateSchemas []string
	Options
}

// OpenPostgres connects, retrying while the server refuses connections or
// is starting up, until ConnectTimeout has passed.
func OpenPostgres(ctx context.Context, cfg PostgresConfig) (*Postgres, error) {
	pcfg, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("invalid database URL: %w", err)
	}
	conn, err := connectRetry(ctx, pcfg, cfg.ConnectTimeout, cfg.OnWait)
	if err != nil {
		return nil, err
	}
	return &Postgres{conn: conn, table: cfg.table(), pin: cfg.Pin, schema: cfg.CreateSchemas}, nil
}

// Lock takes sqlx's session advisory lock, waiting for it.
func (p *Postgres) Lock(ctx context.Context) error {
	var db string
	if err := p.conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	key := LockKey(db)
	if _, err := p.conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("taking the migration lock: %w", err)
	}
	p.lockKey = &key
	return nil
}

// Unlock releases the advisory lock if this store holds it.
func (p *Postgres) Unlock(ctx context.Context) error {
	if p.lockKey == nil {
		return nil
	}
	if _, err := p.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", *p.lockKey); err != nil {
		return fmt.Errorf("releasing the migration lock: %w", err)
	}
	p.lockKey = nil
	return nil
}

// EnsureLedger creates the schemas asked for and the ledger table.
func (p *Postgres) EnsureLedger(ctx context.Context) error {
	for _, s := range p.schema {
		if _, err := p.conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+s); err != nil {
			return fmt.Errorf("creating schema %s: %w", s, err)
		}
	}
	ddl := fmt.Sprintf(PostgresLedgerDDL, p.table)
	_, err := p.conn.Exec(ctx, ddl)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "42P07") {
		// Two sessions raced on IF NOT EXISTS (possible with --no-lock); the table is there now.
		_, err = p.conn.Exec(ctx, ddl)
	}
	if err != nil {
		return fmt.Errorf("creating ledger table %s: %w", p.table, err)
	}
	return nil
}

// Dirty returns the smallest version with success = false.
func (p *Postgres) Dirty(ctx context.Context) (int64, bool, error) {
	var v int64
	err := p.conn.QueryRow(ctx, fmt.Sprintf("SELECT version FROM %s WHERE success = false ORDER BY version LIMIT 1", p.table)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("reading %s: %w", p.table, err)
	}
	return v, true, nil
}

// Applied lists the ledger.
func (p *Postgres) Applied(ctx context.Context) ([]Applied, error) {
	rows, err := p.conn.Query(ctx, fmt.Sprintf("SELECT version, checksum FROM %s ORDER BY version", p.table))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p.table, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Applied, error) {
		var a Applied
		return a, r.Scan(&a.Version, &a.Checksum)
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p.table, err)
	}
	return out, nil
}

// Close closes the connection; a session advisory lock goes with it.
func (p *Postgres) Close() error {
	return p.conn.Close(context.Background())
}

// Conn is the store's connection, for callers that inspect the database.
func (p *Postgres) Conn() *pgx.Conn { return p.conn }
