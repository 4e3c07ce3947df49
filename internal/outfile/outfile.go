// Package outfile decides what an --out path may be written as: dbprep
// replaces a regular file (or creates one) atomically, follows a symbolic
// link to its target and never replaces the link, and never replaces a
// device, FIFO, socket or directory.
package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Target is an --out path resolved.
type Target struct {
	// Out is the path as given, for messages.
	Out string
	// Path is the file to create or replace: Out with symbolic links
	// followed.
	Path string
	// Exists is true when Path is an existing regular file.
	Exists bool
	// Stream is a character device or FIFO (/dev/null, /dev/stdout, a
	// named pipe): it can be written into, never replaced. Kind names it.
	Stream bool
	Kind   string
}

// Resolve classifies out. A directory, socket or block device is an
// error, as is a missing parent directory; streams are returned for the
// caller to write into or refuse.
func Resolve(out string) (Target, error) {
	t := Target{Out: out, Path: out}
	info, err := os.Stat(out) // follows links
	switch {
	case errors.Is(err, fs.ErrNotExist):
		path, err := followDangling(out)
		if err != nil {
			return t, Errorf(out, ": %w", err)
		}
		t.Path = path
		dir := filepath.Dir(path)
		if d, err := os.Stat(dir); err != nil || !d.IsDir() {
			return t, Errorf(out, ": the directory %s does not exist (create it first, or name a file in an existing directory)", dir)
		}
		return t, nil
	case err != nil:
		return t, Errorf(out, ": %w", unwrapPath(err))
	}
	mode := info.Mode()
	switch {
	case mode.IsRegular():
		t.Exists = true
		if viaProc(out) {
			// /dev/stdout redirected to a file: the shell holds the file
			// open, so it is written into, not replaced.
			t.Stream, t.Kind = true, "standard stream"
			return t, nil
		}
		if t.Path, err = filepath.EvalSymlinks(out); err != nil {
			return t, Errorf(out, ": %w", unwrapPath(err))
		}
		return t, nil
	case mode.IsDir():
		return t, Errorf(out, " is a directory; name a file in it, such as %s", filepath.Join(out, "db.sqlite3"))
	case mode&fs.ModeCharDevice != 0:
		t.Stream, t.Kind = true, "character device"
	case mode&fs.ModeNamedPipe != 0:
		t.Stream, t.Kind = true, "FIFO (named pipe)"
	case mode&fs.ModeSocket != 0:
		return t, Errorf(out, " is a socket, which dbprep never replaces; name a regular file")
	case mode&fs.ModeDevice != 0:
		return t, Errorf(out, " is a block device, which dbprep never replaces; name a regular file")
	default:
		return t, Errorf(out, " is not a regular file (%v), which dbprep never replaces; name a regular file", mode.Type())
	}
	return t, nil
}

// followDangling follows the symbolic links at out (whose final target
// does not exist) to the path a create through them would make.
func followDangling(out string) (string, error) {
	path := out
	for range 40 {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", unwrapPath(err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", unwrapPath(err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

// viaProc reports whether out is, or links through, /proc or /dev/fd (the
// /dev/stdout family).
func viaProc(out string) bool {
	path := out
	for range 40 {
		if strings.HasPrefix(path, "/proc/") || strings.HasPrefix(path, "/dev/fd/") || strings.HasPrefix(path, "/dev/std") {
			return true
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return false
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return false
}

// unwrapPath drops the path and operation of a *fs.PathError, which the
// caller's message names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Write writes data to t: into a stream as shell redirection does, else to
// a temporary file beside t.Path that is synced and renamed over it, so
// that t.Path is never seen half-written. Errors (PathError) name the path
// asked for, never the temporary file.
func Write(t Target, data []byte) error {
	if t.Stream {
		f, err := os.OpenFile(t.Path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return Errorf(t.Out, ": %w", unwrapPath(err))
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return Errorf(t.Out, ": writing: %w", unwrapPath(err))
		}
		if err := f.Close(); err != nil {
			return Errorf(t.Out, ": writing: %w", unwrapPath(err))
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(t.Path), "."+filepath.Base(t.Path)+".tmp-*")
	if err != nil {
		return Errorf(t.Out, ": creating a file in %s: %w", filepath.Dir(t.Path), unwrapPath(err))
	}
	defer os.Remove(f.Name())
	fail := func(what string, err error) error {
		f.Close()
		return Errorf(t.Out, ": %s: %w", what, unwrapPath(err))
	}
	if _, err := f.Write(data); err != nil {
		return fail("writing", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail("setting its mode", err)
	}
	if err := f.Sync(); err != nil {
		return fail("syncing", err)
	}
	if err := f.Close(); err != nil {
		return Errorf(t.Out, ": writing: %w", unwrapPath(err))
	}
	return Replace(t, f.Name())
}

// Replace renames the finished file tmp over t.Path, first checking that
// t.Path is still what Resolve found (nothing but a regular file, or
// nothing, is ever replaced).
func Replace(t Target, tmp string) error {
	now, err := Resolve(t.Out)
	if err != nil {
		return err
	}
	if now.Stream || now.Path != t.Path {
		return Errorf(t.Out, " changed while dbprep was writing it (it is now %s); nothing was replaced", describe(now))
	}
	if err := os.Rename(tmp, t.Path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return Errorf(t.Out, ": moving the new file into place: %w", err)
	}
	return nil
}

func describe(t Target) string {
	if t.Stream {
		return "a " + t.Kind
	}
	return t.Path
}

// PathError is a problem with the output path Path. Its message starts
// with the path; the command line names its flag before it (--out).
type PathError struct {
	Path string
	// Err says what, after the path (" is a directory; …", ": …").
	Err error
}

func (e *PathError) Error() string { return e.Path + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// Errorf is a PathError whose message after path is format's.
func Errorf(path, format string, args ...any) error {
	return &PathError{Path: path, Err: fmt.Errorf(format, args...)}
}
