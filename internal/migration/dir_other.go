//go:build !linux

package migration

import (
	"io"
	"path/filepath"
)

// dirOpener opens the files of dir by path (Linux opens them relative to
// a descriptor of dir: dir_linux.go).
func dirOpener(dir string) (open func(name string) (io.ReadCloser, error), done func()) {
	return func(name string) (io.ReadCloser, error) {
		f, err := openOSFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err // not a nil *fdFile in a non-nil interface
		}
		return f, nil
	}, func() {}
}
