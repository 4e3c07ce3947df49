package migration

import (
	"errors"
	"fmt"
)

// ErrDuplicate is two migrations claiming one version (errors.Is).
var ErrDuplicate = errors.New("duplicate migration version")

// CheckDuplicates reports two migrations that would claim one ledger row:
// two up-or-simple files, or two down files, with the same version. sqlx
// resolves such a directory but fails part-way through applying it; dbprep
// refuses it before running anything.
func CheckDuplicates(ms []Migration) error {
	up := map[int64]string{}
	down := map[int64]string{}
	for _, m := range ms {
		seen := up
		if m.Type.IsDown() {
			seen = down
		}
		if other, ok := seen[m.Version]; ok {
			return fmt.Errorf("%w %d: %s and %s; give one of them a new version", ErrDuplicate, m.Version, other, m.File)
		}
		seen[m.Version] = m.File
	}
	return nil
}
