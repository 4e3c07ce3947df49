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
	f := &finder{root: root, seen: map[string]bool{}}
	rootCargo, err := readCargo(filepath.Join(root, "Cargo.toml"))
	if err != nil {
		return nil, err
	}
	if rootCargo != nil && rootCargo.Package != nil && has(root, ".") {
		if err := f.add("."); err != nil {
			return nil, err
		}
	}
	if rootCargo != nil && rootCargo.Workspace != nil {
		f.excluded = rootCargo.Workspace.Exclude
		if err := f.cargoMembers(rootCargo.Workspace.Members); err != nil {
			return nil, err
		}
	}
	if err := filepath.WalkDir(root, f.visit); err != nil {
		return nil, err
	}
	return f.settle()
}

// finder collects members, each directory once.
type finder struct {
	root     string
	excluded []string
	seen     map[string]bool
	out      []Member
}

func (f *finder) add(dir string) error {
	dir = filepath.ToSlash(filepath.Clean(dir))
	if f.seen[dir] {
		return nil
	}
	f.seen[dir] = true
	name, err := nameOf(f.root, dir)
	if err != nil {
		return err
	}
	f.out = append(f.out, Member{Name: name, Dir: dir})
	return nil
}

// cargoMembers adds the [workspace] members' directories (globs, in
// their order) that have a Cargo.toml, are not excluded, and have a
// sqlx.toml or a migrations/ directory.
func (f *finder) cargoMembers(patterns []string) error {
	for _, pattern := range patterns {
		dirs, err := filepath.Glob(filepath.Join(f.root, filepath.FromSlash(pattern)))
		if err != nil {
			return fmt.Errorf("Cargo.toml: [workspace] members %q: %w", pattern, err)
		}
		slices.Sort(dirs)
		for _, d := range dirs {
			rel, _ := filepath.Rel(f.root, d)
			if fi, err := os.Stat(filepath.Join(d, "Cargo.toml")); err != nil || fi.IsDir() || isExcluded(rel, f.excluded) {
				continue
			}
			if has(f.root, rel) {
				if err := f.add(rel); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// visit adds each directory below the root with a sqlx.toml or a
// migrations/ directory, never searching build output, hidden or excluded
// directories, or a migrations directory's own subdirectories.
func (f *finder) visit(path string, d fs.DirEntry, err error) error {
	if err != nil {
		return err
	}
	if !d.IsDir() {
		return nil
	}
	rel, _ := filepath.Rel(f.root, path)
	base := d.Name()
	if rel != "." && (strings.HasPrefix(base, ".") || skipped[base] || isExcluded(rel, f.excluded)) {
		return filepath.SkipDir
	}
	if base == "migrations" && rel != "." {
		return filepath.SkipDir
	}
	if rel != "." && has(f.root, rel) {
		return f.add(rel)
	}
	return nil
}

// settle gives each member its migrations directory and drops a
// directory found only for its migrations/ that another member's
// sqlx.toml names as its migrations-dir (sqlx's example keeps the main
// crate's in src/migrations): that is the other member's, not a member.
// Two members of one name are an error.
func (f *finder) settle() ([]Member, error) {
	out := f.out
	claimed := map[string]bool{}
	set := map[string]bool{}
	for i, m := range out {
		out[i].Migrations = "migrations"
		if dir := migrationsDir(f.root, m.Dir); dir != "" {
			out[i].Migrations, set[m.Dir] = dir, true
			claimed[path.Join(m.Dir, dir)] = true
		}
	}
	out = slices.DeleteFunc(out, func(m Member) bool {
		return claimed[path.Join(m.Dir, "migrations")] && !set[m.Dir] && !manifest(f.root, m.Dir)
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
