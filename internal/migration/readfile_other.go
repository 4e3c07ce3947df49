//go:build !unix

package migration

import (
	"io"
	"os"
)

func openOSFile(path string) (io.ReadCloser, error) { return os.Open(path) }

func readOSFile(path string) ([]byte, error) { return os.ReadFile(path) }
