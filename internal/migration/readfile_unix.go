//go:build unix

package migration

import (
	"io"
	"io/fs"
	"path/filepath"
	"syscall"
)

// fdFile is a file read with plain system calls: os.Open would register
// each file with Go's network poller (an fcntl and a failing epoll_ctl
// apiece), which for a directory of small migrations costs more than
// reading them.
type fdFile struct {
	fd int
	// dir and name make its path, joined only for an error message.
	dir, name string
}

func (f *fdFile) path() string {
	if f.dir == "" {
		return f.name
	}
	return filepath.Join(f.dir, f.name)
}

func openOSFile(path string) (*fdFile, error) {
	return openWith(func() (int, error) { return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) }, "", path)
}

// openWith calls open until it is not interrupted.
func openWith(open func() (int, error), dir, name string) (*fdFile, error) {
	for {
		fd, err := open()
		switch err {
		case nil:
			return &fdFile{fd: fd, dir: dir, name: name}, nil
		case syscall.EINTR:
			continue
		}
		f := fdFile{dir: dir, name: name}
		return nil, &fs.PathError{Op: "open", Path: f.path(), Err: err}
	}
}

func (f *fdFile) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path(), Err: err}
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *fdFile) Close() error { return syscall.Close(f.fd) }

// readOSFile reads a whole file, in a buffer of the size fstat reports.
func readOSFile(path string) ([]byte, error) {
	f, err := openOSFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(f.fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: f.path(), Err: err}
	}
	buf := make([]byte, 0, st.Size+1) // +1: EOF is seen without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
