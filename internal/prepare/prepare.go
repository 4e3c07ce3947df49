// Package prepare builds the prepared database: a new SQLite file with every
// migration applied and the ledger written, the same bytes for the same
// migrations on any machine, any day.
package prepare

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"github.com/dbprep/dbprep/internal/migrate"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/outfile"
	"github.com/dbprep/dbprep/internal/sqlitepin"
	"github.com/dbprep/dbprep/internal/store"
)

// Config says what to prepare.
type Config struct {
	Migrations []migration.Migration
	// Out is the database file to write; it is replaced atomically.
	Out string
	// Table is the ledger table; empty means _sqlx_migrations.
	Table string
	// SourceDateEpoch (seconds since 1970, UTC) is written as every row's
	// installed_on; execution_time is always 0.
	SourceDateEpoch int64
	// Progress, when set, is told of each migration applied.
	Progress func(migrate.Event)
	// SQLiteNoTx honours "-- no-transaction" as sqlx 0.9 does.
	SQLiteNoTx bool
	// Force replaces Out even when it is not a database dbprep prepared.
	Force bool
	// Check prepares the database twice and fails with ErrNotReproducible,
	// naming what differs, unless both are the same bytes.
	Check bool
}

// Error is a failed Prepare: nothing was written, and Out is as it was.
type Error struct {
	Out string
	Err error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Summary describes the file written.
type Summary struct {
	Out     string `json:"out"`
	Applied int    `json:"applied"`
	Tables  int    `json:"tables"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
}

// Prepare applies cfg.Migrations to a new scratch database beside Out, one
// transaction per migration as sqlx does, then writes it compacted with
// VACUUM INTO to a temporary file beside Out, syncs it and renames it into
// place. Out is never seen half-written; on error it is left as it was.
//
// Out may be missing, empty, or a database dbprep prepared (marked with
// ApplicationID); anything else is refused with ErrNotPrepared unless
// cfg.Force. Every error is an *Error.
func Prepare(ctx context.Context, cfg Config) (sum Summary, err error) {
	sum, err = prepare(ctx, cfg)
	if err != nil {
		err = &Error{Out: cfg.Out, Err: err}
	}
	return sum, err
}

func prepare(ctx context.Context, cfg Config) (sum Summary, err error) {
	sum.Out = cfg.Out
	t, err := outfile.Resolve(cfg.Out)
	if err != nil {
		return sum, err
	}
	if t.Stream {
		return sum, outfile.Errorf(cfg.Out, " is a %s: prepare writes a database file and never replaces a %s; name a regular file (e.g. db.sqlite3)", t.Kind, t.Kind)
	}
	// Links followed: the database is built beside, and renamed over, the
	// file a link at --out points at; the link stays.
	cfg.Out = t.Path
	if err := checkOut(cfg.Out, cfg.Force); err != nil {
		return sum, err
	}
	removeStale(cfg.Out)
	tmp, err := tempName(cfg.Out)
	if err != nil {
		return sum, err
	}
	defer func() {
		if err != nil {
			removeTemp(tmp)
		}
	}()
	if sum.Applied, sum.Tables, err = build(ctx, cfg, tmp, cfg.Progress); err != nil {
		return sum, err
	}
	if cfg.Check {
		if err := checkReproducible(ctx, cfg, tmp); err != nil {
			return sum, err
		}
	}
	if sum.Size, sum.SHA256, err = syncAndHash(tmp); err != nil {
		return sum, err
	}
	if err := checkOut(cfg.Out, cfg.Force); err != nil {
		return sum, err // something else took --out's name while preparing
	}
	if err := outfile.Replace(t, tmp); err != nil {
		return sum, err
	}
	return sum, syncDir(filepath.Dir(cfg.Out))
}

// build applies the migrations to a new scratch database beside Out with
// SQLite's clock and randomness pinned (package sqlitepin), and writes it to
// path with VACUUM INTO. It returns how many migrations were applied and how
// many tables the database has. The scratch file (journal in memory, no
// syncs, a bounded page cache; see sqlite.Config.Scratch) builds as
// fast as an in-memory database did, and holds the pages on disk rather
// than in memory: an in-memory database took twice its size in memory,
// the allocator rounding each page up to the next power of two.
func build(ctx context.Context, cfg Config, path string, progress func(migrate.Event)) (applied, tables int, err error) {
	end, err := sqlitepin.Begin(cfg.SourceDateEpoch)
	if err != nil {
		return 0, 0, err
	}
	defer end()
	scratch, err := tempName(cfg.Out)
	if err != nil {
		return 0, 0, err
	}
	defer removeTemp(scratch)
	pin := time.Unix(cfg.SourceDateEpoch, 0).UTC()
	st, err := sqlite.Open(ctx, sqlite.Config{
		URL:     dburl.SQLiteOptions{Path: scratch, Mode: "rwc", VFS: sqlitepin.VFS},
		Scratch: true,
		Options: store.Options{Table: cfg.Table, Pin: &pin, SQLiteNoTx: cfg.SQLiteNoTx},
	})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	m := &migrate.Migrator{Store: st, Migrations: cfg.Migrations, NoLock: true, Progress: progress}
	res, err := m.Run(ctx, migrate.Options{})
	if err != nil {
		return 0, 0, err
	}
	// The application_id tells a later Prepare the file is its own, unless
	// a migration set one of its own (then that one is kept, and a later
	// Prepare needs --force).
	snap, err := st.Snapshot(ctx, path, ApplicationID)
	return res.Done, snap.Tables, err
}

// syncAndHash flushes the file to disk and returns its size and SHA-256.
func syncAndHash(path string) (int64, string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, "", fmt.Errorf("writing %s: %w", path, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("reading back %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
