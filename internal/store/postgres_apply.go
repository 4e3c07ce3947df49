package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/migration"
)

// Apply runs m and records it. The SQL goes verbatim as one simple-protocol
// query, as sqlx sends it. Unless m starts with "-- no-transaction", the SQL
// and the ledger row commit together; with it, the SQL runs on its own and
// the row is written after it, as sqlx 0.8 does.
func (p *Postgres) Apply(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	start := time.Now()
	if m.NoTx {
		if err := p.notApplied(ctx, p.conn, m.Version); err != nil {
			return 0, err
		}
		if err := p.execScript(ctx, m, false); err != nil {
			return 0, err
		}
		return time.Since(start), p.insertRow(ctx, p.conn, m, time.Since(start))
	}
	err := pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		// Without the advisory lock (--no-lock), two runs may race; the row
		// lock of a concurrent INSERT makes the loser fail on the primary key.
		if err := p.notApplied(ctx, tx, m.Version); err != nil {
			return err
		}
		if err := p.execScript(ctx, m, false); err != nil {
			return err
		}
		return p.insertRow(ctx, tx, m, time.Since(start))
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" && pe.TableName == tableOnly(p.table) {
		return 0, ErrAlreadyApplied
	}
	return time.Since(start), err
}

// Revert runs the down migration m and deletes its row.
func (p *Postgres) Revert(ctx context.Context, m *migration.Migration) (time.Duration, error) {
	start := time.Now()
	del := func(ctx context.Context, q querierPG) error {
		if _, err := q.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE version = $1", p.table), m.Version); err != nil {
			return fmt.Errorf("removing migration %d from %s: %w", m.Version, p.table, err)
		}
		return nil
	}
	// The row must still be there: another process may have reverted the
	// migration since it was planned (with --no-lock, nothing prevents it).
	applied := func(q querierPG) error {
		if err := p.notApplied(ctx, q, m.Version); err == nil {
			return ErrNotApplied
		} else if !errors.Is(err, ErrAlreadyApplied) {
			return err
		}
		return nil
	}
	if m.NoTx {
		if err := applied(p.conn); err != nil {
			return 0, err
		}
		if err := p.execScript(ctx, m, true); err != nil {
			return 0, err
		}
		return time.Since(start), del(ctx, p.conn)
	}
	err := pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		if err := applied(tx); err != nil {
			return err
		}
		if err := p.execScript(ctx, m, true); err != nil {
			return err
		}
		return del(ctx, tx)
	})
	return time.Since(start), err
}

// querierPG is what a *pgx.Conn and a pgx.Tx share.
type querierPG interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (p *Postgres) notApplied(ctx context.Context, q querierPG, version int64) error {
	var one int
	err := q.QueryRow(ctx, fmt.Sprintf("SELECT 1 FROM %s WHERE version = $1", p.table), version).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("reading %s: %w", p.table, err)
	}
	return ErrAlreadyApplied
}

func (p *Postgres) insertRow(ctx context.Context, q querierPG, m *migration.Migration, elapsed time.Duration) error {
	var err error
	if p.pin == nil {
		_, err = q.Exec(ctx, fmt.Sprintf(
			`INSERT INTO %s ( version, description, success, checksum, execution_time ) VALUES ( $1, $2, TRUE, $3, $4 )`, p.table),
			m.Version, m.Description, m.Checksum, elapsed.Nanoseconds())
	} else {
		_, err = q.Exec(ctx, fmt.Sprintf(
			`INSERT INTO %s ( version, description, installed_on, success, checksum, execution_time ) VALUES ( $1, $2, $3, TRUE, $4, 0 )`, p.table),
			m.Version, m.Description, p.pin.UTC(), m.Checksum)
	}
	if err != nil {
		return fmt.Errorf("recording migration %d in %s: %w", m.Version, p.table, err)
	}
	return nil
}

// execScript sends m's SQL verbatim with the simple protocol (on the
// connection, so inside the transaction when one is open).
func (p *Postgres) execScript(ctx context.Context, m *migration.Migration, down bool) error {
	_, err := p.conn.PgConn().Exec(ctx, m.SQL).ReadAll()
	if err == nil {
		return nil
	}
	if p.conn.IsClosed() {
		err = fmt.Errorf("%w (%v)", ErrConnectionLost, err)
	}
	return &ExecError{Version: m.Version, File: m.File, Down: down, Err: describePgError(err, m)}
}

func tableOnly(table string) string {
	for i := len(table) - 1; i >= 0; i-- {
		if table[i] == '.' {
			return table[i+1:]
		}
	}
	return table
}
