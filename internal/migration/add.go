package migration

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// AddOptions are `migrate add`'s flags.
type AddOptions struct {
	// Reversible is -r: an up/down pair, when the directory has no
	// migration yet (sqlx-cli 0.8 copies the first migration's type after
	// that); with SqlxMain, always.
	Reversible bool
	// Simple is --simple: a single file, always (sqlx-cli 0.8 has no such
	// flag; dbprep does what it says there too).
	Simple bool
	// SqlxMain infers as sqlx-cli 0.9 (main) does: the type follows the
	// last migration, and versioning looks at every file, down files too.
	SqlxMain bool
	// Sequential (-s) and Timestamp (-t) force the versioning; neither infers it.
	Sequential, Timestamp bool
	// DefaultType and DefaultVersioning are sqlx.toml's [migrate.defaults]
	// migration-type ("inferred", "simple", "reversible") and
	// migration-versioning ("inferred", "timestamp", "sequential"); empty
	// means inferred. The flags win over DefaultType; DefaultVersioning
	// "timestamp" wins over -s, as it does in sqlx-cli 0.9.
	DefaultType, DefaultVersioning string
	// Now is the clock for timestamp versions.
	Now time.Time
}

// Add creates the file(s) of a new migration in dir as sqlx-cli 0.8's
// `migrate add` does, and returns their paths. The directory is created if
// needed; an existing file is never overwritten.
func Add(dir, description string, opts AddOptions) ([]string, error) {
	if opts.Sequential && opts.Timestamp {
		return nil, errors.New("--sequential and --timestamp exclude each other; pass one")
	}
	if opts.Reversible && opts.Simple {
		return nil, errors.New("--reversible and --simple exclude each other; pass one")
	}
	if strings.TrimSpace(description) == "" {
		return nil, errors.New("the migration needs a description, e.g. `dbprep migrate add create users`")
	}
	if strings.ContainsAny(description, `/\`) {
		return nil, fmt.Errorf("description %q holds a path separator; use words, e.g. `create users`", description)
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("unable to create migrations directory %s: %w", dir, err)
	}
	existing, err := ResolveDir(dir, Options{})
	if err != nil {
		return nil, err
	}
	if err := CheckDuplicates(existing); err != nil {
		return nil, fmt.Errorf("%w (fix that before adding a migration; `dbprep migrate lint` lists every problem)", err)
	}
	prefix := freeVersion(versionPrefix(existing, opts), existing)
	types := []Type{Simple}
	if inferReversible(existing, opts) {
		types = []Type{ReversibleUp, ReversibleDown}
	}
	var created []string
	for _, t := range types {
		p := filepath.Join(dir, prefix+"_"+strings.ReplaceAll(description, " ", "_")+t.Suffix())
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err != nil {
			return created, fmt.Errorf("failed to create migration file: %w", err)
		}
		_, err = f.WriteString(t.Template())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return created, fmt.Errorf("writing %s: %w", p, err)
		}
		created = append(created, p)
	}
	return created, nil
}

// inferReversible follows sqlx-cli 0.8: the first existing migration's type
// wins and -r counts only in an empty directory. sqlx 0.9: -r and --simple
// win, else sqlx.toml's migration-type, else the last migration's type.
func inferReversible(existing []Migration, opts AddOptions) bool {
	switch {
	case opts.Simple:
		return false
	case opts.SqlxMain && opts.Reversible:
		return opts.Reversible
	case opts.Reversible && opts.DefaultType != "":
		return true
	case opts.DefaultType == "simple":
		return false
	case opts.DefaultType == "reversible":
		return true
	case opts.SqlxMain && len(existing) > 0:
		return existing[len(existing)-1].Type.IsReversible()
	case len(existing) > 0:
		return existing[0].Type.IsReversible()
	}
	return opts.Reversible
}

// versionPrefix follows sqlx-cli 0.8's MigrationOrdering::infer.
func versionPrefix(existing []Migration, opts AddOptions) string {
	timestamp := opts.Now.UTC().Format("20060102150405")
	if opts.Timestamp || opts.DefaultVersioning == "timestamp" {
		return timestamp
	}
	if opts.Sequential || opts.DefaultVersioning == "sequential" {
		next := int64(1)
		if len(existing) > 0 {
			next = existing[len(existing)-1].Version + 1
		}
		return fmt.Sprintf("%04d", next)
	}
	var ups []Migration // the last two up or simple migrations (any, for sqlx main), latest first
	for i := len(existing) - 1; i >= 0 && len(ups) < 2; i-- {
		if opts.SqlxMain || !existing[i].Type.IsDown() {
			ups = append(ups, existing[i])
		}
	}
	switch {
	case len(ups) == 2 && ups[0].Version-ups[1].Version == 1,
		len(ups) == 1 && (ups[0].Version == 0 || ups[0].Version == 1):
		return fmt.Sprintf("%04d", ups[0].Version+1)
	}
	return timestamp
}

// freeVersion returns prefix, or when a migration already has that version
// (two `migrate add` in the same second) the next free one: a timestamp a
// second later, a sequential number one higher, in the same width.
func freeVersion(prefix string, existing []Migration) string {
	taken := func(v int64) bool {
		for _, m := range existing {
			if m.Version == v {
				return true
			}
		}
		return false
	}
	v, err := strconv.ParseInt(prefix, 10, 64)
	if err != nil || !taken(v) {
		return prefix
	}
	if t, err := time.Parse("20060102150405", prefix); err == nil && len(prefix) == 14 {
		for taken(v) {
			t = t.Add(time.Second)
			prefix = t.Format("20060102150405")
			v, _ = strconv.ParseInt(prefix, 10, 64)
		}
		return prefix
	}
	for taken(v) {
		v++
	}
	return fmt.Sprintf("%0*d", len(prefix), v)
}
