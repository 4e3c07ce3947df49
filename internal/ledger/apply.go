package ledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dbprep/dbprep/internal/migration"
)

// Apply runs m and records it, in one transaction unless m is a
// "-- no-transaction" migration (on PostgreSQL; on SQLite with SQLiteNoTx),
// which is recorded as started first (see applyNoTx). sqlx writes
// execution_time after the commit; dbprep writes it in the same INSERT.
func (s *SQLStore) Apply(ctx context.Context, m *migration.Migration, g *Guard) (time.Duration, error) {
	start := time.Now()
	script, err := s.load(m, false)
	if err != nil {
		return 0, err
	}
	switch {
	case s.dialect.RowFirst():
		err = s.applyRowFirst(ctx, m, g, script, start)
	case m.NoTx && s.noTx:
		err = s.applyNoTx(ctx, m, g, script, start)
	default:
		err = s.inTx(ctx, func() error {
			if err := s.check(ctx, m.Version, g, false); err != nil {
				return err
			}
			if err := s.exec(ctx, m, script, false); err != nil {
				return err
			}
			return s.insertRow(ctx, m, true, time.Since(start))
		})
	}
	var ee *ExecError
	if err != nil && !errors.Is(err, ErrAlreadyApplied) && !errors.Is(err, ErrLedgerChanged) && !errors.As(err, &ee) {
		// Without the lock, a concurrent run may have recorded the version
		// first: the INSERT then failed on the primary key.
		if ok, _ := s.isApplied(context.WithoutCancel(ctx), m.Version); ok {
			return 0, ErrAlreadyApplied
		}
	}
	return time.Since(start), s.typed(err)
}

// applyRowFirst applies m as sqlx's MySQL backend does: in one
// transaction, its row with success = FALSE, then its SQL, then the row
// set to TRUE (with its execution time: sqlx writes that after the
// commit, and nothing reads it). MySQL commits the transaction at the
// first DDL statement, so a failure after one leaves what ran and the row,
// dirty, exactly as sqlx leaves them: the error's Committed says so.
func (s *SQLStore) applyRowFirst(ctx context.Context, m *migration.Migration, g *Guard, script string, start time.Time) error {
	err := func() error {
		if err := s.beginChecked(ctx, m.Version, g); err != nil {
			return err
		}
		if err := s.insertRow(ctx, m, false, 0); err != nil {
			return err
		}
		if err := s.exec(ctx, m, script, false); err != nil {
			return err
		}
		elapsed := time.Since(start).Nanoseconds()
		if s.pin != nil {
			elapsed = 0
		}
		// One round trip: MySQL runs no statement of a query after one
		// that failed, so a failed UPDATE commits nothing. Numbers, not
		// placeholders: a caller's driver may prepare a query with
		// arguments, and a prepared statement is one statement.
		if _, err := s.conn.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET success = TRUE, execution_time = %d WHERE version = %d; COMMIT",
			s.table, elapsed, m.Version)); err != nil {
			return fmt.Errorf("committing: %w", err)
		}
		return nil
	}()
	if err != nil {
		err = s.rollback(ctx, err)
	}
	return s.markCommitted(ctx, m.Version, err)
}

// beginChecked starts a transaction and checks the ledger as check does,
// in one round trip ("BEGIN; SELECT …": a row-first dialect, MySQL's,
// takes several statements in one query, which its Session makes sure of;
// without arguments, which a driver may prepare, one statement only).
func (s *SQLStore) beginChecked(ctx context.Context, version int64, g *Guard) error {
	rows, err := s.conn.QueryContext(ctx, s.dialect.Begin()+"; "+s.checkSQL(strconv.FormatInt(version, 10)))
	if err != nil {
		return fmt.Errorf("starting a transaction and reading %s: %w", s.table, err)
	}
	defer rows.Close()
	// BEGIN's result (no columns) first, then the counts.
	for cols, _ := rows.Columns(); len(cols) != 3; cols, _ = rows.Columns() {
		if !rows.NextResultSet() {
			return fmt.Errorf("reading %s: no counts after BEGIN (%v)", s.table, rows.Err())
		}
	}
	var total, at, above int
	if !rows.Next() {
		return fmt.Errorf("reading %s: no counts after BEGIN (%v)", s.table, rows.Err())
	}
	if err := rows.Scan(&total, &at, &above); err != nil {
		return fmt.Errorf("reading %s: %w", s.table, err)
	}
	return checked(total, at, above, g, false)
}

// markCommitted sets Committed on err, a migration's *ExecError, when its
// row is there after the rollback: the engine committed part of it.
func (s *SQLStore) markCommitted(ctx context.Context, version int64, err error) error {
	var ee *ExecError
	if errors.As(err, &ee) {
		if ok, _ := s.isApplied(context.WithoutCancel(ctx), version); ok {
			ee.Committed = true
		}
	}
	return err
}

// applyNoTx runs a "-- no-transaction" migration as sqlx's MySQL backend
// runs every migration: its row is written first with success = false (in
// a transaction that checks the ledger, so two runs never both start it),
// the SQL runs on its own, and the row is marked successful after. A
// failure, a lost connection or a kill in between leaves the row dirty:
// sqlx and dbprep then refuse to run until someone has looked, where no
// row would have said "pending" over a change that may be half made.
func (s *SQLStore) applyNoTx(ctx context.Context, m *migration.Migration, g *Guard, script string, start time.Time) error {
	err := s.inTx(ctx, func() error {
		if err := s.check(ctx, m.Version, g, false); err != nil {
			return err
		}
		return s.insertRow(ctx, m, false, 0)
	})
	if err != nil {
		return err
	}
	if err := s.exec(ctx, m, script, false); err != nil {
		return err
	}
	elapsed := time.Since(start).Nanoseconds()
	if s.pin != nil {
		elapsed = 0
	}
	if _, err := s.conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("UPDATE %s SET success = TRUE, execution_time = %s WHERE version = %s",
		s.table, s.p(1), s.p(2)), elapsed, m.Version); err != nil {
		return fmt.Errorf("migration %d ran, but marking it applied in %s failed (its row stays success = false): %w", m.Version, s.table, err)
	}
	return nil
}

// load reads m's SQL: a file too large to keep since it was resolved is
// read again here, and refused if it changed.
func (s *SQLStore) load(m *migration.Migration, down bool) (string, error) {
	script, err := m.Load()
	if err != nil {
		return "", &ExecError{Version: m.Version, File: m.File, Down: down, Err: err}
	}
	return script, nil
}

// exec runs script, m's SQL, verbatim as one script, as sqlx sends it.
func (s *SQLStore) exec(ctx context.Context, m *migration.Migration, script string, down bool) error {
	var err error
	if s.execFn != nil {
		err = s.execFn(ctx, s.conn, script)
	} else {
		_, err = s.conn.ExecContext(ctx, script)
	}
	if err == nil {
		return nil
	}
	if s.describe != nil {
		loaded := *m
		loaded.SQL = script
		err = s.describe(s.conn, err, &loaded)
	}
	return &ExecError{Version: m.Version, File: m.File, Down: down, NoTx: m.NoTx && s.noTx, Table: s.table, Err: err}
}

// insertRow records m, with success as given. sqlx inserts
// execution_time = -1 and sets it after the commit, in a second
// transaction; nothing ever reads it, so the time is written in the same
// INSERT (-1 for a row marked started). With Pin, installed_on is the
// pinned time (as SQLite's CURRENT_TIMESTAMP renders one, or a timestamptz)
// and execution_time is 0.
func (s *SQLStore) insertRow(ctx context.Context, m *migration.Migration, success bool, elapsed time.Duration) error {
	ok := "TRUE"
	if !success {
		ok, elapsed = "FALSE", -1
	}
	var err error
	if s.pin == nil {
		_, err = s.conn.ExecContext(ctx, fmt.Sprintf(
			`INSERT INTO %s ( version, description, success, checksum, execution_time ) VALUES ( %s, %s, %s, %s, %s )`,
			s.table, s.p(1), s.p(2), ok, s.p(3), s.p(4)), m.Version, m.Description, m.Checksum, elapsed.Nanoseconds())
	} else {
		installed := s.dialect.Timestamp(*s.pin)
		_, err = s.conn.ExecContext(ctx, fmt.Sprintf(
			`INSERT INTO %s ( version, description, installed_on, success, checksum, execution_time ) VALUES ( %s, %s, %s, %s, %s, 0 )`,
			s.table, s.p(1), s.p(2), s.p(3), ok, s.p(4)), m.Version, m.Description, installed, m.Checksum)
	}
	if err != nil {
		return fmt.Errorf("recording migration %d in %s: %w", m.Version, s.table, err)
	}
	return nil
}

// Revert runs the down migration m and deletes its row, in one transaction
// unless m is a "-- no-transaction" migration, whose row is first marked
// success = false, as applyNoTx does. The row must still be there, and the
// rest of the ledger as g says, once the transaction holds the lock.
func (s *SQLStore) Revert(ctx context.Context, m *migration.Migration, g *Guard) (time.Duration, error) {
	start := time.Now()
	script, err := s.load(m, true)
	if err != nil {
		return 0, err
	}
	del := func() error {
		if _, err := s.conn.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE version = %s", s.table, s.p(1)), m.Version); err != nil {
			return fmt.Errorf("removing migration %d from %s: %w", m.Version, s.table, err)
		}
		return nil
	}
	if s.dialect.RowFirst() {
		// sqlx's MySQL order: the row marked unfinished first, which a
		// DDL statement of the down SQL commits, then the SQL, then DELETE.
		err = s.inTx(ctx, func() error {
			if err := s.check(ctx, m.Version, g, true); err != nil {
				return err
			}
			if _, err := s.conn.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET success = FALSE WHERE version = %s", s.table, s.p(1)), m.Version); err != nil {
				return err
			}
			if err := s.exec(ctx, m, script, true); err != nil {
				return err
			}
			return del()
		})
		return time.Since(start), s.typed(s.markDirtyRevert(ctx, m.Version, err))
	}
	if !m.NoTx || !s.noTx {
		err = s.inTx(ctx, func() error {
			if err := s.check(ctx, m.Version, g, true); err != nil {
				return err
			}
			if err := s.exec(ctx, m, script, true); err != nil {
				return err
			}
			return del()
		})
		return time.Since(start), s.typed(err)
	}
	err = s.inTx(ctx, func() error {
		if err := s.check(ctx, m.Version, g, true); err != nil {
			return err
		}
		_, err := s.conn.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET success = FALSE WHERE version = %s", s.table, s.p(1)), m.Version)
		return err
	})
	if err == nil {
		if err = s.exec(ctx, m, script, true); err == nil {
			err = del()
		}
	}
	return time.Since(start), s.typed(err)
}

// markDirtyRevert sets Committed on err, a down migration's *ExecError,
// when its row says success = false after the rollback: the engine
// committed part of the revert.
func (s *SQLStore) markDirtyRevert(ctx context.Context, version int64, err error) error {
	var ee *ExecError
	if errors.As(err, &ee) {
		var ok bool
		if s.conn.QueryRowContext(context.WithoutCancel(ctx), fmt.Sprintf("SELECT count(*) > 0 FROM %s WHERE version = %s AND NOT success", s.table, s.p(1)), version).Scan(&ok) == nil && ok {
			ee.Committed = true
		}
	}
	return err
}

// Skip records m without running it: sqlx 0.9's row, `INSERT INTO t (
// version, description, success, checksum, execution_time ) VALUES ( ?1,
// ?2, TRUE, ?3, -1 )`, in a transaction that checks the ledger first.
func (s *SQLStore) Skip(ctx context.Context, m *migration.Migration, g *Guard) error {
	return s.typed(s.inTx(ctx, func() error {
		if err := s.check(ctx, m.Version, g, false); err != nil {
			return err
		}
		if _, err := s.conn.ExecContext(ctx, fmt.Sprintf(
			`INSERT INTO %s ( version, description, success, checksum, execution_time ) VALUES ( %s, %s, TRUE, %s, -1 )`,
			s.table, s.p(1), s.p(2), s.p(3)), m.Version, m.Description, m.Checksum); err != nil {
			return fmt.Errorf("recording migration %d in %s: %w", m.Version, s.table, err)
		}
		return nil
	}))
}
