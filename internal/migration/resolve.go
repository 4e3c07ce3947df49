package migration

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
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
	// reread, for a file too large to keep (over KeepLimit), reads it
	// again for Load; SQL is then empty.
	reread  func() ([]byte, error)
	ignored []rune
}

// KeepLimit is the size above which Resolve does not keep a migration's
// contents: it checks and hashes the file as a stream, and Load reads it
// again when the migration runs. A no-op run or check of a directory with
// a 100 MB migration then never holds it.
var KeepLimit int64 = 4 << 20

// Load returns the SQL to execute: SQL, or for a file over KeepLimit the
// file read again, refused if it changed since it was resolved.
func (m *Migration) Load() (string, error) {
	if m.reread == nil {
		return m.SQL, nil
	}
	data, err := m.reread()
	if err != nil {
		return "", fmt.Errorf("reading %s again to run it: %w", m.File, unwrapPath(err))
	}
	if !bytes.Equal(checksumBytes(data, m.ignored), m.Checksum) {
		return "", fmt.Errorf("%s changed while dbprep was running: run again", m.File)
	}
	return unsafe.String(unsafe.SliceData(data), len(data)), nil
}

// Options changes how migrations are resolved.
type Options struct {
	// IgnoredChars are removed before checksumming (sqlx.toml
	// migrate.ignored-chars). The executed SQL is unchanged.
	IgnoredChars []rune
}

// ErrNotDir is returned by Resolve when the source is not a directory.
var ErrNotDir = errors.New("not a directory")

// DirError is a migrations directory that could not be read: missing, not
// a directory, or unreadable (errors.Is(err, fs.ErrNotExist), ErrNotDir…).
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string {
	return fmt.Sprintf("error reading migrations directory %s: %v", e.Dir, e.Err)
}

func (e *DirError) Unwrap() error { return e.Err }

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
		return nil, &DirError{Dir: dir, Err: unwrapPath(err)}
	}
	if !info.IsDir() {
		return nil, &DirError{Dir: dir, Err: fmt.Errorf("%w (--source must name a directory)", ErrNotDir)}
	}
	return resolveWith(os.DirFS(dir), ".", dir, opts, func(name string, limit int64) ([]byte, io.ReadCloser, error) {
		return readOSFile(filepath.Join(dir, name), limit)
	})
}

// reader reads a migration file of the directory by name: whole when it is
// at most limit bytes long, else as a stream (data nil) for the caller to
// close. limit < 0 means no limit.
type reader func(name string, limit int64) (data []byte, stream io.ReadCloser, err error)

// resolve reads dir of fsys; display is how dir is named in File and errors.
func resolve(fsys fs.FS, dir, display string, opts Options) ([]Migration, error) {
	return resolveWith(fsys, dir, display, opts, func(name string, limit int64) ([]byte, io.ReadCloser, error) {
		f, err := fsys.Open(path.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		if info, err := f.Stat(); err == nil && limit >= 0 && info.Size() > limit {
			return nil, f, nil
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return data, nil, err
	})
}

// resolveWith is resolve with read for reading a file of dir by name.
func resolveWith(fsys fs.FS, dir, display string, opts Options, read reader) ([]Migration, error) {
	info, err := fs.Stat(fsys, dir)
	if err != nil {
		return nil, &DirError{Dir: display, Err: unwrapPath(err)}
	}
	if !info.IsDir() {
		return nil, &DirError{Dir: display, Err: ErrNotDir}
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, &DirError{Dir: display, Err: unwrapPath(err)}
	}
	var out []Migration
	for _, e := range entries {
		m, ok, err := resolveName(fsys, dir, display, e, opts)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	if err := readAll(read, out, opts); err != nil {
		return nil, err
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

// resolveName decides from a directory entry whether it is a migration, as
// sqlx does: regular files (symlinks followed) with a parseable name.
func resolveName(fsys fs.FS, dir, display string, e fs.DirEntry, opts Options) (Migration, bool, error) {
	name := e.Name()
	file := filepath.Join(display, name)
	regular := e.Type().IsRegular()
	if !regular && e.Type()&fs.ModeSymlink != 0 {
		info, err := fs.Stat(fsys, path.Join(dir, name)) // follows the link, as sqlx's fs::metadata does
		if err != nil {
			return Migration{}, false, statError(file, err)
		}
		regular = info.Mode().IsRegular()
	}
	if !regular {
		return Migration{}, false, nil
	}
	n, ok, err := ParseName(strings.ToValidUTF8(name, "\uFFFD"))
	if err != nil {
		return Migration{}, false, fmt.Errorf("%s: %w", file, err)
	}
	return Migration{Name: n, File: file}, ok, nil
}

// readAll reads and checksums every migration, a few files at a time; the
// error reported is the first in directory order, whatever finishes first.
func readAll(read reader, ms []Migration, opts Options) error {
	errs := make([]error, len(ms))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range ms {
		wg.Add(1)
		sem <- struct{}{}
		go func(m *Migration, errp *error) {
			defer func() { <-sem; wg.Done() }()
			*errp = readContents(read, m, opts)
		}(&ms[i], &errs[i])
	}
	wg.Wait()
	return firstNonNil(errs)
}

func firstNonNil(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func readContents(read reader, m *Migration, opts Options) error {
	name := filepath.Base(m.File)
	data, stream, err := read(name, KeepLimit)
	if err != nil {
		return fmt.Errorf("error reading contents of migration %s: %w", m.File, unwrapPath(err))
	}
	if stream != nil {
		defer stream.Close()
		if err := scanStream(stream, m, opts.IgnoredChars); err != nil {
			return err
		}
		m.ignored = opts.IgnoredChars
		m.reread = func() ([]byte, error) {
			data, _, err := read(name, -1)
			return data, err
		}
		return nil
	}
	if err := checkText(data, m.File, 1); err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return errNotUTF8(m.File)
	}
	// data is never written again: the string shares its memory rather
	// than holding a second copy of the file.
	m.SQL = unsafe.String(unsafe.SliceData(data), len(data))
	m.Checksum = checksumBytes(data, opts.IgnoredChars)
	m.NoTx = HasNoTransaction(m.SQL)
	return nil
}

func errNotUTF8(file string) error {
	return fmt.Errorf("error reading contents of migration %s: stream did not contain valid UTF-8 (sqlx requires UTF-8; re-save the file as UTF-8)", file)
}

// checkText refuses a NUL byte in data, which starts on line firstLine.
func checkText(data []byte, file string, firstLine int) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := firstLine + bytes.Count(data[:i], []byte("\n"))
		return fmt.Errorf("migration %s has a NUL byte on line %d: SQLite would silently ignore everything after it; remove it", file, line)
	}
	return nil
}

// scanStream checks and hashes a migration read as a stream, as
// readContents does a file in memory, holding one buffer at a time.
func scanStream(r io.Reader, m *Migration, ignored []rune) error {
	h := sha512.New384()
	buf := make([]byte, 256<<10)
	var carry, head, filtered []byte // carry: an unfinished rune at a chunk's end
	line := 1
	for {
		n, err := io.ReadFull(r, buf[len(carry):])
		copy(buf, carry)
		chunk := buf[:len(carry)+n]
		if err := checkText(chunk[len(carry):], m.File, line); err != nil {
			return err
		}
		line += bytes.Count(chunk[len(carry):], []byte("\n"))
		if len(head) < len(NoTransactionDirective) {
			head = append(head, chunk[:min(len(chunk), len(NoTransactionDirective)-len(head))]...)
		}
		end := len(chunk)
		if err == nil { // more to come: keep an unfinished rune for the next chunk
			for k := 1; k <= utf8.UTFMax-1 && k <= len(chunk); k++ {
				if utf8.RuneStart(chunk[len(chunk)-k]) {
					if !utf8.FullRune(chunk[len(chunk)-k:]) {
						end = len(chunk) - k
					}
					break
				}
			}
		}
		if !utf8.Valid(chunk[:end]) {
			return errNotUTF8(m.File)
		}
		if len(ignored) > 0 {
			filtered = appendFiltered(filtered[:0], chunk[:end], ignored)
			h.Write(filtered)
		} else {
			h.Write(chunk[:end])
		}
		carry = append(carry[:0], chunk[end:]...)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			m.Checksum = h.Sum(nil)
			m.NoTx = HasNoTransaction(string(head))
			return nil
		case err != nil:
			return fmt.Errorf("error reading contents of migration %s: %w", m.File, unwrapPath(err))
		}
	}
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
