package migration

import (
	"bytes"
	"cmp"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// Migration is one resolved migration file.
type Migration struct {
	Name
	// File is the path of the file, as given to Resolve joined with its name.
	File string
	// SQL is the text to execute, for a Migration built in memory. Resolve
	// leaves it empty: it keeps no file's contents, and Load reads the file
	// again when the migration runs.
	SQL string
	// Checksum is the 48-byte SHA-384 stored in the ledger.
	Checksum []byte
	// NoTx is true when SQL starts with "-- no-transaction".
	NoTx bool
	// src and base read a resolved file again for Load (src nil: SQL is
	// the migration's text).
	src     *files
	base    string
	ignored []rune
}

// Load returns the SQL to execute: SQL, or for a resolved file the file
// read again, refused if it changed since it was resolved. A run that has
// nothing to apply, and a check, then never hold the files, however large.
func (m *Migration) Load() (string, error) {
	if m.src == nil {
		return m.SQL, nil
	}
	data, err := m.src.readAll(m.base)
	if err != nil {
		return "", fmt.Errorf("reading %s again to run it: %w", m.File, unwrapPath(err))
	}
	if !bytes.Equal(checksumBytes(data, m.ignored), m.Checksum) {
		return "", fmt.Errorf("%s changed after it was read and checksummed, before it could run: nothing of it ran; run again", m.File)
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
// ParseName, contents required to be UTF-8, sorted by Compare (version,
// then type, as sqlx 0.9 sorts). Duplicate versions are not rejected, as sqlx does not reject them.
func Resolve(fsys fs.FS, dir string, opts Options) ([]Migration, error) {
	return resolve(fsys, dir, dir, opts)
}

// ResolveDir resolves the migrations in a directory of the operating
// system's file system; File fields and errors name paths under dir as given.
func ResolveDir(dir string, opts Options) ([]Migration, error) {
	return ResolveDirAs(dir, dir, opts)
}

// ResolveDirAs is ResolveDir, reading dir, with File fields and errors
// naming paths under shown instead: a directory read from elsewhere than
// the working directory (a workspace member's) is named as its user wrote
// it.
func ResolveDirAs(dir, shown string, opts Options) ([]Migration, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, &DirError{Dir: shown, Err: unwrapPath(err)}
	}
	if !info.IsDir() {
		return nil, &DirError{Dir: shown, Err: fmt.Errorf("%w (--source must name a directory)", ErrNotDir)}
	}
	open, done := dirOpener(dir)
	defer done()
	return resolveWith(os.DirFS(dir), ".", shown, opts, files{
		open:    open,
		readAll: func(name string) ([]byte, error) { return readOSFile(filepath.Join(dir, name)) },
	})
}

// files reads the migration files of a directory by name: open for the
// streamed check and checksum, readAll for Load.
type files struct {
	open    func(name string) (io.ReadCloser, error)
	readAll func(name string) ([]byte, error)
}

// resolve reads dir of fsys; display is how dir is named in File and errors.
func resolve(fsys fs.FS, dir, display string, opts Options) ([]Migration, error) {
	return resolveWith(fsys, dir, display, opts, files{
		open:    func(name string) (io.ReadCloser, error) { return fsys.Open(path.Join(dir, name)) },
		readAll: func(name string) ([]byte, error) { return fs.ReadFile(fsys, path.Join(dir, name)) },
	})
}

// resolveWith is resolve with src for reading the files of dir.
func resolveWith(fsys fs.FS, dir, display string, opts Options, src files) ([]Migration, error) {
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
	prefix := displayPrefix(display)
	for _, e := range entries {
		m, ok, err := resolveName(fsys, dir, prefix, e, opts)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	if err := scanAll(&src, out, opts); err != nil {
		return nil, err
	}
	slices.SortFunc(out, Compare)
	return out, nil
}

// Compare orders migrations as sqlx 0.9 does (#4136, "deterministic
// migration order"): by version, then by type in the order Simple,
// ReversibleUp, ReversibleDown; an up file before its down file whatever
// order the directory lists them in. Versions equal in type too (duplicates,
// which run refuses) are ordered by file name, so the order never depends
// on the directory.
func Compare(a, b Migration) int {
	switch {
	case a.Version != b.Version:
		return cmp.Compare(a.Version, b.Version)
	case a.Type != b.Type:
		return cmp.Compare(a.Type, b.Type)
	}
	return strings.Compare(a.File, b.File)
}

// displayPrefix is what makes a File of a name in the directory display:
// filepath.Join(display, name) is prefix+name for every name ReadDir gives
// (no separator, never "." or ".."), without cleaning a path per file.
func displayPrefix(display string) string {
	c := filepath.Clean(display)
	switch {
	case c == ".":
		return ""
	case strings.HasSuffix(c, string(filepath.Separator)):
		return c
	}
	return c + string(filepath.Separator)
}

// resolveName decides from a directory entry whether it is a migration, as
// sqlx does: regular files (symlinks followed) with a parseable name. prefix
// is displayPrefix's.
func resolveName(fsys fs.FS, dir, prefix string, e fs.DirEntry, opts Options) (Migration, bool, error) {
	name := e.Name()
	file := prefix + name
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

// scanWorkers is how many files are read at once. Each worker keeps one
// chunk buffer for all its files, so a run allocates next to nothing per
// file (no garbage to collect, no goroutine stacks to grow).
const scanWorkers = 4

// chunk is how much of a file is read, checked and hashed at a time.
const chunk = 64 << 10

// scanAll checks and checksums every migration, scanWorkers files at a
// time; the error reported is the first in directory order, whatever
// finishes first.
func scanAll(src *files, ms []Migration, opts Options) error {
	errs := make([]error, len(ms))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(scanWorkers, len(ms)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := scanner{buf: make([]byte, chunk), hash: sha512.New384()}
			for i := int(next.Add(1) - 1); i < len(ms); i = int(next.Add(1) - 1) {
				errs[i] = w.file(src, &ms[i], opts.IgnoredChars)
			}
		}()
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

// scanner is one worker's chunk buffer and hash, used for all its files:
// a file costs next to no allocation.
type scanner struct {
	buf  []byte
	hash hash.Hash
}

// file checks and checksums one migration and arranges for Load to read
// it again.
func (w *scanner) file(src *files, m *Migration, ignored []rune) error {
	name := filepath.Base(m.File)
	f, err := src.open(name)
	if err != nil {
		return fmt.Errorf("error reading contents of migration %s: %w", m.File, unwrapPath(err))
	}
	defer f.Close()
	if err := w.stream(f, m, ignored); err != nil {
		return err
	}
	m.ignored, m.src, m.base = ignored, src, name
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

// stream checks a migration read as a stream, a buffer at a time —
// UTF-8 throughout (a rune may straddle two chunks), no NUL byte — and
// sets its Checksum and NoTx.
func (w *scanner) stream(r io.Reader, m *Migration, ignored []rune) error {
	buf, h := w.buf, w.hash
	h.Reset()
	var headBuf [len(NoTransactionDirective)]byte
	head := headBuf[:0]
	var carry, filtered []byte // carry: an unfinished rune at a chunk's end
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
