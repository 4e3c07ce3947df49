//go:build !unix

package migration

import (
	"io"
	"os"
)

func readOSFile(path string, limit int64) ([]byte, io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if info, err := f.Stat(); err == nil && limit >= 0 && info.Size() > limit {
		return nil, f, nil
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	return data, nil, err
}
