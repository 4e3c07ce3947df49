//go:build !unix

package migration

import "os"

func readOSFile(path string) ([]byte, error) { return os.ReadFile(path) }
