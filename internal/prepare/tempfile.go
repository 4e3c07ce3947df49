package prepare

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Temporary files are named ".<out>.dbprep-<pid>-<random>.tmp" beside out,
// so the final rename stays on one file system and a run killed part-way
// can be recognised and cleaned up by the next one.
const tempInfix = ".dbprep-"

func tempName(out string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	dir, base := filepath.Split(out)
	return filepath.Join(dir, fmt.Sprintf(".%s%s%d-%s.tmp", base, tempInfix, os.Getpid(), hex.EncodeToString(b[:]))), nil
}

// removeTemp deletes a temporary database and the journal files SQLite may
// have left beside it.
func removeTemp(tmp string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
}

// removeStale deletes temporary files of out, journals included, left by
// runs whose process is gone (killed before it could clean up). Files of
// live processes are kept.
func removeStale(out string) {
	dir, base := filepath.Split(out)
	if dir == "" {
		dir = "."
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+tempInfix+"*.tmp*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), "."+base+tempInfix)
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || processAlive(pid) {
			continue
		}
		os.Remove(m)
	}
}

func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
