package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/dbprep/dbprep/internal/dburl"
)

// admin creates and drops SQLite database files.
type admin struct {
	u   dburl.SQLiteOptions
	wal bool
}

func (a admin) Exists(context.Context) (bool, error) { return Exists(a.u) }
func (a admin) Create(ctx context.Context) error     { return Create(ctx, a.u, a.wal) }

// Drop deletes the file; there are no sessions to end.
func (a admin) Drop(_ context.Context, _ bool) error { return Drop(a.u) }

// Exists reports whether the database file exists (always true in memory).
func Exists(u dburl.SQLiteOptions) (bool, error) {
	if u.Memory {
		return true, nil
	}
	_, err := os.Stat(u.Path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Create creates the database file, in WAL mode when wal is true (as
// sqlx-cli's --sqlite-create-db-wal, on by default, does).
func Create(ctx context.Context, u dburl.SQLiteOptions, wal bool) error {
	st, err := Open(ctx, Config{URL: u, Create: true})
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

// Drop deletes the database file and any -wal, -shm or -journal file
// beside it. A missing file is not an error.
func Drop(u dburl.SQLiteOptions) error {
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
