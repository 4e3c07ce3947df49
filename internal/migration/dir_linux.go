package migration

import (
	"io"
	"path/filepath"
	"syscall"
)

// openAt opens name in the directory open as dirfd (dir, for messages).
func openAt(dirfd int, dir, name string) (*fdFile, error) {
	return openWith(func() (int, error) { return syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) }, dir, name)
}

// dirOpener opens the files of dir by name, relative to one open
// descriptor of dir (openat): no path is joined, and the kernel does not
// walk dir's path again, for each file. done closes the descriptor. Where
// dir cannot be opened so, it opens by path.
func dirOpener(dir string) (open func(name string) (io.ReadCloser, error), done func()) {
	dirfd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		dirfd = -1
	}
	open = func(name string) (io.ReadCloser, error) {
		var f *fdFile
		var err error
		if dirfd < 0 {
			f, err = openOSFile(filepath.Join(dir, name))
		} else {
			f, err = openAt(dirfd, dir, name)
		}
		if err != nil {
			return nil, err // not a nil *fdFile in a non-nil interface
		}
		return f, nil
	}
	return open, func() {
		if dirfd >= 0 {
			syscall.Close(dirfd)
		}
	}
}
