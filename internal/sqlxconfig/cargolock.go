package sqlxconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Compat is the sqlx release whose rules dbprep follows where sqlx
// releases differ (-- no-transaction on SQLite, migrate add inference).
type Compat string

const (
	// Compat08 is sqlx 0.8 (and 0.7, whose migration rules are the same).
	Compat08 Compat = "0.8"
	// Compat09 is sqlx 0.9, the stable release since 2026-05-06: the default.
	Compat09 Compat = "0.9"
)

// LockedSqlx is the sqlx version the Cargo.lock nearest to dir (dir itself
// or its nearest parent that has one) locks, and that file's path. Both are
// empty when no Cargo.lock is found or it locks no sqlx; several sqlx
// versions in one lock give the lowest.
func LockedSqlx(dir string) (version, path string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "Cargo.lock")
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			v, err := lockedSqlx(data)
			if err != nil {
				return "", p, fmt.Errorf("%s: %w", p, err)
			}
			return v, p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", p, fmt.Errorf("reading %s: %w", p, err)
		}
		if filepath.Dir(d) == d {
			return "", "", nil
		}
	}
}

func lockedSqlx(data []byte) (string, error) {
	var lock struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return "", fmt.Errorf("not a valid Cargo.lock: %w", err)
	}
	var versions []string
	for _, p := range lock.Package {
		if p.Name == "sqlx" {
			versions = append(versions, p.Version)
		}
	}
	if len(versions) == 0 {
		return "", nil
	}
	return slices.MinFunc(versions, compareVersions), nil
}

// CompatOf is the rules a locked sqlx version follows: 0.9 and later get
// 0.9's, anything older 0.8's.
func CompatOf(version string) Compat {
	if compareVersions(version, "0.9.0-alpha") >= 0 {
		return Compat09
	}
	return Compat08
}

// compareVersions orders "major.minor.patch[-pre]" numerically; a
// pre-release sorts before its release.
func compareVersions(a, b string) int {
	an, apre, _ := strings.Cut(a, "-")
	bn, bpre, _ := strings.Cut(b, "-")
	as, bs := strings.Split(an, "."), strings.Split(bn, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			fmt.Sscan(as[i], &x)
		}
		if i < len(bs) {
			fmt.Sscan(bs[i], &y)
		}
		if x != y {
			return x - y
		}
	}
	switch {
	case apre == bpre:
		return 0
	case apre == "":
		return 1
	case bpre == "":
		return -1
	}
	return strings.Compare(apre, bpre)
}
