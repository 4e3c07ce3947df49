//go:build unix

package migration

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// readOSFile reads a whole file with plain system calls: os.Open would
// register each file with Go's network poller (an fcntl and a failing
// epoll_ctl apiece), which for a directory of small migrations costs more
// than reading them. A file over limit (when limit >= 0) is returned open,
// as a stream, instead.
func readOSFile(path string, limit int64) ([]byte, io.ReadCloser, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if limit >= 0 && st.Size > limit {
		return nil, os.NewFile(uintptr(fd), path), nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 0, st.Size+1) // +1: EOF is seen without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil, nil
		}
		buf = buf[:len(buf)+n]
	}
}
