package store

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/dbprep/dbprep/internal/dburl"
)

// sqliteAdmin creates and drops SQLite database files.
type sqliteAdmin struct {
	u   dburl.SQLiteOptions
	wal bool
}

func (a sqliteAdmin) Exists(context.Context) (bool, error) { return SQLiteExists(a.u) }
func (a sqliteAdmin) Create(ctx context.Context) error     { return CreateSQLite(ctx, a.u, a.wal) }

// Drop deletes the file; there are no sessions to end.
func (a sqliteAdmin) Drop(_ context.Context, _ bool) error { return DropSQLite(a.u) }

// SQLiteExists reports whether the database file exists (always true in memory).
func SQLiteExists(u dburl.SQLiteOptions) (bool, error) {
	if u.Memory {
		return true, nil
	}
	_, err := os.Stat(u.Path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// CreateSQLite creates the database file, in WAL mode when wal is true (as
// sqlx-cli's --sqlite-create-db-wal, on by default, does).
func CreateSQLite(ctx context.Context, u dburl.SQLiteOptions, wal bool) error {
	st, err := OpenSQLite(ctx, SQLiteConfig{URL: u, Create: true})
	if err != nil {
		return err
	}
	defer st.Close()
	mode := "DELETE"
	if wal {
		mode = "WAL"
	}
	// Creating page 1 makes the file real even in rollback mode.
	if _, err := st.conn.ExecContext(ctx, "PRAGMA journal_mode = "+mode+"; PRAGMA user_version = 0"); err != nil {
		return fmt.Errorf("creating %s: %w", u.Path, err)
	}
	return nil
}

// DropSQLite deletes the database file and any -wal, -shm or -journal file
// beside it. A missing file is not an error.
func DropSQLite(u dburl.SQLiteOptions) error {
	if u.Memory {
		return nil
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(u.Path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("dropping %s: %w", u.Path, err)
		}
	}
	return nil
}
