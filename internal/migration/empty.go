package migration

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoMigrations is a migrations directory that holds no migration.
var ErrNoMigrations = errors.New("no migrations")

// NoMigrations describes dir holding no migration, and names a
// migrations/ directory under it that does hold some (the parent directory
// passed as --source by mistake).
func NoMigrations(dir string) error {
	err := fmt.Errorf("%w in %s: no file there is named VERSION_DESCRIPTION.sql (e.g. 20240101000000_create_users.sql)", ErrNoMigrations, dir)
	sub := filepath.Join(dir, "migrations")
	if info, statErr := os.Stat(sub); statErr == nil && info.IsDir() {
		if ms, rerr := ResolveDir(sub, Options{}); rerr == nil && len(ms) > 0 {
			err = fmt.Errorf("%w; %s holds %d: did you mean --source %s?", err, sub, len(ms), sub)
		}
	}
	return err
}
