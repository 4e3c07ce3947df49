package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
)

// Allowed findings were acknowledged in the migration itself with a
// `-- dbprep:allow RULE why` line: shown, never failing.
const Allowed Severity = "allowed"

// Released is the migrations directory as it was released: BASE of
// `migrate lint --base`.
type Released struct {
	// Name is how messages name the release: a git ref, a directory, a
	// database URL with its password masked.
	Name string
	// FS holds the released migrations directory at its root; nil when
	// the release is a database's ledger.
	FS fs.FS
	// Ledger is a released database's ledger (when FS is nil): what it
	// applied, without descriptions or files (so no renamed rule).
	Ledger []ledger.Applied
	// Restore, when set, is the command that brings a released file back
	// (git checkout REF -- FILE), for the file at path.
	Restore func(path string) string
}

// History compares the migrations directory dir with the released one
// and reports what sqlx would refuse, or apply in another order, on the
// databases that already hold the release:
//
//   - edited: a released migration whose checksum changed (sqlx refuses
//     every database that applied it);
//   - removed: a released migration that is gone (sqlx refuses them too);
//   - renamed: a released version with another description (a warning:
//     sqlx compares checksums, not descriptions);
//   - out-of-order: a new migration whose version sorts before the
//     release's newest (released databases apply it last, new ones in
//     version order).
//
// Down files are compared with nothing: sqlx's checksum is the up file's.
// An edited or out-of-order migration whose file has a line
// `-- dbprep:allow RULE why` is reported as Allowed, with the why.
func History(rel Released, dir string, opts Options) ([]Finding, error) {
	mopts := migration.Options{IgnoredChars: opts.IgnoredChars}
	base, err := rel.Migrations(opts)
	if err != nil {
		return nil, err
	}
	for _, a := range rel.Ledger {
		base = append(base, migration.Migration{Name: migration.Name{Version: a.Version}, Checksum: a.Checksum})
	}
	cur, err := migration.ResolveDir(dir, mopts)
	if err != nil {
		return nil, err
	}
	now := map[int64]migration.Migration{}
	for _, m := range cur {
		if !m.Type.IsDown() {
			now[m.Version] = m
		}
	}
	released := map[int64]bool{}
	var newest *migration.Migration
	var out []Finding
	for i, b := range base {
		if b.Type.IsDown() {
			continue
		}
		released[b.Version] = true
		if newest == nil || b.Version > newest.Version {
			newest = &base[i]
		}
		m, ok := now[b.Version]
		switch {
		case !ok:
			out = append(out, removed(rel, b, dir))
			continue
		case rel.FS != nil && m.Description != b.Description:
			out = append(out, Finding{File: m.File, Severity: Warning, Rule: "renamed", Message: fmt.Sprintf(
				"migration %d was released at %s described %q, now %q: sqlx accepts it (it compares checksums, not descriptions), "+
					"but the ledgers of released databases keep %q", b.Version, rel.Name, b.Description, m.Description, b.Description)})
		}
		if !bytes.Equal(m.Checksum, b.Checksum) {
			out = append(out, edited(rel, b, m))
		}
	}
	if newest != nil {
		for _, m := range cur {
			if !m.Type.IsDown() && !released[m.Version] && m.Version < newest.Version {
				out = append(out, outOfOrder(rel, m, *newest))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Rule, b.Rule))
	})
	return out, nil
}

// removed reports b, released, gone from dir.
// Migrations are the release's migration files (none for a database's
// ledger).
func (rel Released) Migrations(opts Options) ([]migration.Migration, error) {
	if rel.FS == nil {
		return nil, nil
	}
	ms, err := migration.Resolve(rel.FS, ".", migration.Options{IgnoredChars: opts.IgnoredChars})
	if err != nil {
		return nil, fmt.Errorf("reading the migrations released at %s: %w", rel.Name, err)
	}
	return ms, nil
}

func removed(rel Released, b migration.Migration, dir string) Finding {
	path, what, restore := dir, fmt.Sprintf("migration %d", b.Version), "restore the file"
	if b.File != "" {
		path, what = filepath.Join(dir, filepath.Base(b.File)), fmt.Sprintf("migration %d (%s)", b.Version, b.Description)
	}
	if rel.Restore != nil {
		restore = "restore it (" + rel.Restore(path) + ")"
	}
	return Finding{File: path, Severity: Error, Rule: "removed", Message: fmt.Sprintf(
		"%s was released at %s and is gone: every database that applied it refuses the migrations "+
			"(sqlx: \"migration %d was previously applied but is missing in the resolved migrations\"); %s, and undo what it did, if you must, in a new migration",
		what, rel.Name, b.Version, restore)}
}

func edited(rel Released, b, m migration.Migration) Finding {
	restore := "restore it"
	if rel.Restore != nil {
		restore = "restore it (" + rel.Restore(m.File) + ")"
	}
	msg := fmt.Sprintf("migration %d (%s) was released at %s and has been edited since: every database that applied it refuses the migrations "+
		"(sqlx: \"migration %d was previously applied but has been modified\"); %s and put the change in a new migration (dbprep migrate add)",
		b.Version, b.Description, rel.Name, b.Version, restore)
	if rel.FS == nil {
		msg = fmt.Sprintf("migration %d (%s) differs from what %s applied: that database refuses the migrations "+
			"(sqlx: \"migration %d was previously applied but has been modified\"); restore the file as it was applied and put the change in a new migration (dbprep migrate add)",
			b.Version, m.Description, rel.Name, b.Version)
	} else if was, err := fs.ReadFile(rel.FS, filepath.Base(b.File)); err == nil {
		if is, err := os.ReadFile(m.File); err == nil && bytes.Equal(plain(was), plain(is)) {
			msg = fmt.Sprintf("migration %d (%s) was released at %s and differs since only in line endings or a byte-order mark, "+
				"which change its checksum all the same: every database that applied it refuses the migrations; %s byte for byte "+
				"(a .gitattributes eol rule, or an editor, converts them); sqlx.toml's ignored-chars holds only for ledgers written with it",
				b.Version, b.Description, rel.Name, restore)
		}
	}
	return Allow(Finding{File: m.File, Line: 1, Severity: Error, Rule: "edited", Message: msg})
}

func outOfOrder(rel Released, m, newest migration.Migration) Finding {
	newestName := fmt.Sprintf("%d (%s)", newest.Version, newest.Description)
	if newest.File == "" {
		newestName = fmt.Sprint(newest.Version)
	}
	return Allow(Finding{File: m.File, Line: 1, Severity: Error, Rule: "out-of-order", Message: fmt.Sprintf(
		"migration %d is new since %s but sorts before %s, released there: released databases apply it after %d, "+
			"a new database (and a prepared one) before it, so the two end up run in different orders; "+
			"give it a version above %d (rename the file, or make it again with dbprep migrate add)",
		m.Version, rel.Name, newestName, newest.Version, newest.Version)})
}

// plain is b without carriage returns and byte-order marks.
func plain(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r"), nil)
	return bytes.ReplaceAll(b, []byte("\uFEFF"), nil)
}

// Allow makes f Allowed when its file acknowledges its rule with a line
// `-- dbprep:allow RULE why`, at that line, the why in the message.
func Allow(f Finding) Finding {
	data, err := os.ReadFile(f.File)
	if err != nil {
		return f
	}
	for i, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- dbprep:allow ")
		if !ok {
			continue
		}
		rule, why, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if rule != f.Rule {
			continue
		}
		why = strings.TrimSpace(why)
		if why == "" {
			f.Message += " (a `-- dbprep:allow " + rule + "` line is here, but it must say why: `-- dbprep:allow " + rule + " WHY`)"
			return f
		}
		f.Severity, f.Line = Allowed, i+1
		f.Message += " — allowed here: " + why
		return f
	}
	return f
}
