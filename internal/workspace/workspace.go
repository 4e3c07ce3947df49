// Package workspace finds the members of a project that own a database:
// the crates of a Cargo workspace (its root Cargo.toml's [workspace]
// members, globs included, and the root package), and any directory below
// the root with a sqlx.toml or a migrations/ directory (path-dependency
// crates that are not workspace members, as in sqlx's multi-database
// example, and Go modules). It reads names and places only; what each
// member's sqlx.toml says is the command line's to read, in the member's
// directory, as sqlx-cli run there would.
package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Member is one directory of the workspace.
type Member struct {
	// Name is the crate's package name, else the Go module's last path
	// element, else the directory's name.
	Name string
	// Dir is the member's directory, relative to the root ("." for the
	// root itself), with forward slashes.
	Dir string
	// Migrations is its migrations directory, relative to Dir: sqlx.toml's
	// [migrate] migrations-dir, else "migrations". It may not exist.
	Migrations string
}

// skipped are directories never searched: build output, VCS and vendored
// code, and dbprep's own dev-shell state.
var skipped = map[string]bool{"target": true, "node_modules": true, "vendor": true, "result": true}

// cargoToml is what is read of a Cargo.toml.
type cargoToml struct {
	Package *struct {
		Name string `toml:"name"`
	} `toml:"package"`
	Workspace *struct {
		Members []string `toml:"members"`
		Exclude []string `toml:"exclude"`
	} `toml:"workspace"`
}

// Find lists the members below root: the root package first, then the
// [workspace] members in their order, then the other directories with a
// sqlx.toml or a migrations/ directory, in path order. Each directory is
// listed once. A member name two members share is an error (the names
// label output and name prepared files).
func Find(root string) ([]Member, error) {
	var out []Member
	seen := map[string]bool{}
	add := func(dir string) error {
		dir = filepath.ToSlash(filepath.Clean(dir))
		if seen[dir] {
			return nil
		}
		seen[dir] = true
		name, err := nameOf(root, dir)
		if err != nil {
			return err
		}
		out = append(out, Member{Name: name, Dir: dir})
		return nil
	}
	rootCargo, err := readCargo(filepath.Join(root, "Cargo.toml"))
	if err != nil {
		return nil, err
	}
	var excluded []string
	if rootCargo != nil && rootCargo.Package != nil && has(root, ".") {
		if err := add("."); err != nil {
			return nil, err
		}
	}
	if rootCargo != nil && rootCargo.Workspace != nil {
		excluded = rootCargo.Workspace.Exclude
		for _, pattern := range rootCargo.Workspace.Members {
			dirs, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
			if err != nil {
				return nil, fmt.Errorf("Cargo.toml: [workspace] members %q: %w", pattern, err)
			}
			slices.Sort(dirs)
			for _, d := range dirs {
				rel, _ := filepath.Rel(root, d)
				if fi, err := os.Stat(filepath.Join(d, "Cargo.toml")); err != nil || fi.IsDir() || isExcluded(rel, excluded) {
					continue
				}
				if has(root, rel) {
					if err := add(rel); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		base := d.Name()
		if rel != "." && (strings.HasPrefix(base, ".") || skipped[base] || isExcluded(rel, excluded)) {
			return filepath.SkipDir
		}
		if base == "migrations" && rel != "." {
			return filepath.SkipDir // a migrations directory's own subdirectories are not members
		}
		if rel != "." && has(root, rel) {
			if err := add(rel); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A directory found only for its migrations/ that another member's
	// sqlx.toml names as its migrations-dir (sqlx's example keeps the main
	// crate's in src/migrations) is that member's, not a member.
	claimed := map[string]bool{}
	set := map[string]bool{}
	for i, m := range out {
		out[i].Migrations = "migrations"
		if dir := migrationsDir(root, m.Dir); dir != "" {
			out[i].Migrations, set[m.Dir] = dir, true
			claimed[path.Join(m.Dir, dir)] = true
		}
	}
	out = slices.DeleteFunc(out, func(m Member) bool {
		return claimed[path.Join(m.Dir, "migrations")] && !set[m.Dir] && !manifest(root, m.Dir)
	})
	names := map[string]string{}
	for _, m := range out {
		if other, ok := names[m.Name]; ok {
			return nil, fmt.Errorf("two workspace members are named %q: %s and %s (rename one, or exclude one in Cargo.toml's [workspace] exclude)", m.Name, other, m.Dir)
		}
		names[m.Name] = m.Dir
	}
	return out, nil
}

// migrationsDir is the migrations-dir dir's sqlx.toml names, cleaned; ""
// when it names none (or there is no sqlx.toml).
func migrationsDir(root, dir string) string {
	var c struct {
		Migrate struct {
			MigrationsDir string `toml:"migrations-dir"`
		} `toml:"migrate"`
	}
	if _, err := toml.DecodeFile(filepath.Join(root, dir, "sqlx.toml"), &c); err != nil || c.Migrate.MigrationsDir == "" {
		return ""
	}
	return path.Clean(filepath.ToSlash(c.Migrate.MigrationsDir))
}

// manifest says whether dir has a sqlx.toml, a Cargo.toml or a go.mod.
func manifest(root, dir string) bool {
	for _, f := range []string{"sqlx.toml", "Cargo.toml", "go.mod"} {
		if _, err := os.Stat(filepath.Join(root, dir, f)); err == nil {
			return true
		}
	}
	return false
}

// has says whether dir has a sqlx.toml or a migrations directory.
func has(root, dir string) bool {
	if fi, err := os.Stat(filepath.Join(root, dir, "sqlx.toml")); err == nil && !fi.IsDir() {
		return true
	}
	fi, err := os.Stat(filepath.Join(root, dir, "migrations"))
	return err == nil && fi.IsDir()
}

func isExcluded(rel string, excluded []string) bool {
	rel = filepath.ToSlash(rel)
	for _, e := range excluded {
		if rel == strings.TrimSuffix(filepath.ToSlash(filepath.Clean(e)), "/") {
			return true
		}
	}
	return false
}

// nameOf is a member's name: Cargo.toml's package name, else go.mod's
// module path's last element, else the directory's name.
func nameOf(root, dir string) (string, error) {
	c, err := readCargo(filepath.Join(root, dir, "Cargo.toml"))
	if err != nil {
		return "", err
	}
	if c != nil && c.Package != nil && c.Package.Name != "" {
		return c.Package.Name, nil
	}
	if data, err := os.ReadFile(filepath.Join(root, dir, "go.mod")); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
				mod := strings.Trim(f[1], `"`)
				return mod[strings.LastIndex(mod, "/")+1:], nil
			}
		}
	}
	abs, err := filepath.Abs(filepath.Join(root, dir))
	if err != nil {
		return "", err
	}
	return filepath.Base(abs), nil
}

// readCargo reads a Cargo.toml; nil when there is none.
func readCargo(path string) (*cargoToml, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c cargoToml
	if _, err := toml.Decode(string(data), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}
