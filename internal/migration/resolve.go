package migration

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Migration is one resolved migration file.
type Migration struct {
	Name
	// File is the path of the file, as given to Resolve joined with its name.
	File string
	// SQL is the file's contents, unchanged; it is what gets executed.
	SQL string
	// Checksum is the 48-byte SHA-384 stored in the ledger.
	Checksum []byte
	// NoTx is true when SQL starts with "-- no-transaction".
	NoTx bool
}

// Options changes how migrations are resolved.
type Options struct {
	// IgnoredChars are removed before checksumming (sqlx.toml
	// migrate.ignored-chars). The executed SQL is unchanged.
	IgnoredChars []rune
}

// ErrNotDir is returned by Resolve when the source is not a directory.
var ErrNotDir = errors.New("not a directory")

// Resolve reads the migrations in dir of fsys as sqlx does: top-level regular
// files only (symlinks followed, a dangling one is an error), names parsed by
// ParseName, contents required to be UTF-8, sorted by version with a stable
// sort. Duplicate versions are not rejected, as sqlx does not reject them.
func Resolve(fsys fs.FS, dir string, opts Options) ([]Migration, error) {
	return resolve(fsys, dir, dir, opts)
}

// ResolveDir resolves the migrations in a directory of the operating
// system's file system; File fields and errors name paths under dir as given.
func ResolveDir(dir string, opts Options) ([]Migration, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("error reading migrations directory %s: %w", dir, unwrapPath(err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("error reading migrations directory %s: %w (--source must name a directory)", dir, ErrNotDir)
	}
	return resolve(os.DirFS(dir), ".", dir, opts)
}

// resolve reads dir of fsys; display is how dir is named in File and errors.
func resolve(fsys fs.FS, dir, display string, opts Options) ([]Migration, error) {
	info, err := fs.Stat(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("error reading migrations directory %s: %w", display, unwrapPath(err))
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("error reading migrations directory %s: %w", display, ErrNotDir)
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("error reading migrations directory %s: %w", display, unwrapPath(err))
	}
	var out []Migration
	for _, e := range entries {
		m, ok, err := resolveEntry(fsys, dir, display, e.Name(), opts)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Migration) int {
		switch {
		case a.Version < b.Version:
			return -1
		case a.Version > b.Version:
			return 1
		}
		return 0
	})
	return out, nil
}

func resolveEntry(fsys fs.FS, dir, display, name string, opts Options) (Migration, bool, error) {
	file := filepath.Join(display, name)
	info, err := fs.Stat(fsys, path.Join(dir, name)) // follows symlinks, as sqlx's fs::metadata does
	if err != nil {
		return Migration{}, false, statError(file, err)
	}
	if !info.Mode().IsRegular() {
		return Migration{}, false, nil
	}
	n, ok, err := ParseName(strings.ToValidUTF8(name, "\uFFFD"))
	if err != nil {
		return Migration{}, false, fmt.Errorf("%s: %w", file, err)
	}
	if !ok {
		return Migration{}, false, nil
	}
	data, err := fs.ReadFile(fsys, path.Join(dir, name))
	if err != nil {
		return Migration{}, false, fmt.Errorf("error reading contents of migration %s: %w", file, unwrapPath(err))
	}
	if !utf8.Valid(data) {
		return Migration{}, false, fmt.Errorf("error reading contents of migration %s: stream did not contain valid UTF-8 (sqlx requires UTF-8; re-save the file as UTF-8)", file)
	}
	sql := string(data)
	return Migration{
		Name:     n,
		File:     file,
		SQL:      sql,
		Checksum: Checksum(sql, opts.IgnoredChars),
		NoTx:     HasNoTransaction(sql),
	}, true, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose path is relative to the
// fs.FS root and would repeat, less helpfully, the path the message names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func statError(file string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("error reading migration %s: %w (a dangling symlink? remove it or point it at an existing file)", file, unwrapPath(err))
	}
	return fmt.Errorf("error reading migration %s: %w", file, unwrapPath(err))
}
