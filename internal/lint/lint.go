// Package lint checks a migrations directory for what bites sqlx users late:
// files sqlx silently skips, duplicate versions, statements that cannot run
// in a migration's transaction, line endings that change checksums. It
// reads files only; no database is needed.
package lint

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dbprep/dbprep/internal/migration"
)

// Severity is how bad a finding is.
type Severity string

const (
	// Error findings fail `migrate lint`.
	Error Severity = "error"
	// Warning findings fail it only with --strict.
	Warning Severity = "warning"
)

// Finding is one problem, at a file and line (0: the file as a whole).
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s: %s: %s [%s]", loc, f.Severity, f.Message, f.Rule)
}

// Options are what the checks need to know besides the files.
type Options struct {
	// IgnoredChars is sqlx.toml's ignored-chars: CRLF and a BOM are fine
	// when '\r' and U+FEFF are ignored.
	IgnoredChars []rune
}

// file is a migration candidate read from the directory.
type file struct {
	name, path string
	data       []byte
	parsed     migration.Name
	isMig      bool
}

// Dir lints the migrations directory dir. Findings are sorted by file and
// line. An error is returned only when dir cannot be read.
func Dir(dir string, opts Options) ([]Finding, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading migrations directory %s: %w", dir, err)
	}
	var fs []Finding
	var files []file
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.IsDir() {
			fs = append(fs, nestedDir(path)...)
			continue
		}
		if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() { // links followed, as sqlx does
			if _, ok, _ := migration.ParseName(e.Name()); ok {
				fs = append(fs, Finding{File: path, Severity: Warning, Rule: "skipped-file",
					Message: "not a regular file (" + info.Mode().Type().String() + "): sqlx skips it, and dbprep never opens it"})
			}
			continue
		}
		f, finding := readFile(path, e.Name())
		if finding != nil {
			fs = append(fs, *finding)
		}
		if f != nil {
			files = append(files, *f)
		}
	}
	fs = append(fs, perDirectory(files)...)
	for _, f := range files {
		if f.isMig {
			fs = append(fs, perFile(f, opts)...)
		}
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule))
	})
	return fs, nil
}

// readFile classifies one entry: a migration sqlx reads (returned), one it
// skips although it looks like a migration (a finding), or something else.
func readFile(path, name string) (*file, *Finding) {
	lower := strings.ToLower(name)
	n, ok, err := migration.ParseName(name)
	switch {
	case err != nil:
		return nil, &Finding{File: path, Severity: Error, Rule: "bad-version", Message: err.Error() + ": sqlx refuses the whole directory"}
	case !ok && strings.HasSuffix(lower, ".sql") && !strings.Contains(name, "_"):
		return nil, &Finding{File: path, Severity: Error, Rule: "skipped-file",
			Message: "sqlx never runs this file: a migration is named VERSION_DESCRIPTION.sql (e.g. 20240101000000_" + strings.TrimSuffix(lower, ".sql") + ".sql)"}
	case !ok && strings.HasSuffix(lower, ".sql"):
		return nil, &Finding{File: path, Severity: Error, Rule: "skipped-file",
			Message: "sqlx never runs this file: the suffix must be .sql, .up.sql or .down.sql in lower case"}
	case !ok:
		return nil, nil
	}
	if base := strings.TrimSuffix(name, ".sql"); strings.HasSuffix(strings.ToLower(base), ".up") && !strings.HasSuffix(base, ".up") ||
		strings.HasSuffix(strings.ToLower(base), ".down") && !strings.HasSuffix(base, ".down") {
		return nil, &Finding{File: path, Severity: Error, Rule: "skipped-file",
			Message: fmt.Sprintf("sqlx reads this as a simple migration described %q, not as half of an up/down pair: write .up.sql or .down.sql in lower case", n.Description)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Finding{File: path, Severity: Error, Rule: "unreadable", Message: err.Error()}
	}
	return &file{name: name, path: path, data: data, parsed: n, isMig: true}, nil
}

// nestedDir reports a subdirectory holding .sql files: sqlx reads only the
// top level.
func nestedDir(path string) []Finding {
	var n int
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".sql") {
			n++
		}
		return nil
	})
	if n == 0 {
		return nil
	}
	return []Finding{{File: path, Severity: Error, Rule: "nested-directory",
		Message: fmt.Sprintf("sqlx never runs the %d .sql file(s) in this subdirectory: it reads the top level of the migrations directory only", n)}}
}

// perDirectory checks what concerns several files: duplicate versions,
// down files without an up file, mixed kinds, versions a second apart.
func perDirectory(files []file) []Finding {
	var fs []Finding
	ups := map[int64]file{}
	downs := map[int64]file{}
	kinds := map[bool]string{}
	for _, f := range files {
		if !f.isMig {
			continue
		}
		seen := ups
		if f.parsed.Type.IsDown() {
			seen = downs
		}
		if other, ok := seen[f.parsed.Version]; ok {
			fs = append(fs, Finding{File: f.path, Severity: Error, Rule: "duplicate-version",
				Message: fmt.Sprintf("version %d is also %s: sqlx would apply one and fail on the other; give one a new version", f.parsed.Version, other.name)})
			continue
		}
		seen[f.parsed.Version] = f
		if !f.parsed.Type.IsDown() {
			kinds[f.parsed.Type.IsReversible()] = f.name
		}
	}
	for v, d := range downs {
		if _, ok := ups[v]; !ok {
			fs = append(fs, Finding{File: d.path, Severity: Error, Rule: "orphan-down",
				Message: fmt.Sprintf("no %d_….up.sql: sqlx accepts the file, but it never runs (run applies up files only, and revert reverts only applied versions)", v)})
		}
	}
	if len(kinds) == 2 {
		fs = append(fs, Finding{File: filepath.Dir(files[0].path), Severity: Warning, Rule: "mixed-kinds",
			Message: fmt.Sprintf("reversible (%s) and simple (%s) migrations are mixed: revert stops being possible past a simple one", kinds[true], kinds[false])})
	}
	fs = append(fs, closeVersions(ups)...)
	return fs
}

// closeVersions warns of timestamp versions within a second of each other:
// two branches adding migrations at the same time will clash.
func closeVersions(ups map[int64]file) []Finding {
	var stamps []file
	for _, f := range ups {
		if _, err := time.Parse("20060102150405", fmt.Sprint(f.parsed.Version)); err == nil {
			stamps = append(stamps, f)
		}
	}
	slices.SortFunc(stamps, func(a, b file) int { return cmp.Compare(a.parsed.Version, b.parsed.Version) })
	var fs []Finding
	for i := 1; i < len(stamps); i++ {
		a, _ := time.Parse("20060102150405", fmt.Sprint(stamps[i-1].parsed.Version))
		b, _ := time.Parse("20060102150405", fmt.Sprint(stamps[i].parsed.Version))
		if b.Sub(a) <= time.Second {
			fs = append(fs, Finding{File: stamps[i].path, Severity: Warning, Rule: "close-versions",
				Message: fmt.Sprintf("version %d is within a second of %s: a timestamp clash waiting to happen on another branch", stamps[i].parsed.Version, stamps[i-1].name)})
		}
	}
	return fs
}

// perFile checks one migration's bytes and statements.
func perFile(f file, opts Options) []Finding {
	var fs []Finding
	add := func(line int, sev Severity, rule, msg string) {
		fs = append(fs, Finding{File: f.path, Line: line, Severity: sev, Rule: rule, Message: msg})
	}
	if !utf8.Valid(f.data) {
		add(0, Error, "invalid-utf8", "not valid UTF-8: sqlx refuses to read it")
		return fs
	}
	if i := bytes.IndexByte(f.data, 0); i >= 0 {
		add(1+bytes.Count(f.data[:i], []byte("\n")), Error, "nul-byte", "a NUL byte: SQLite stops reading the SQL there, so the rest never runs")
	}
	gitattributes := fmt.Sprintf("add `%s/*.sql text eol=lf` to .gitattributes so every checkout has LF", filepath.Base(filepath.Dir(f.path)))
	if i := bytes.Index(f.data, []byte("\r\n")); i >= 0 && !slices.Contains(opts.IgnoredChars, '\r') {
		add(1+bytes.Count(f.data[:i], []byte("\n")), Warning, "crlf",
			"CRLF line endings: a checkout with LF changes the checksum (\"previously applied but has been modified\"); "+gitattributes+", or set ignored-chars = [\"\\r\"] in sqlx.toml")
	}
	if bytes.HasPrefix(f.data, []byte("\xef\xbb\xbf")) && !slices.Contains(opts.IgnoredChars, '\ufeff') {
		add(1, Warning, "bom", "a byte-order mark: an editor that drops it changes the checksum; remove it, or set ignored-chars = [\"\\uFEFF\"] in sqlx.toml")
	}
	sql := string(f.data)
	stmts := statements(sql)
	noTx := migration.HasNoTransaction(sql)
	if noTx && len(stmts) > 1 {
		needsOwn := false
		for _, st := range stmts {
			for _, o := range outsideTx {
				if line, ok := has(st, o.seq...); ok && !(o.what == "CONCURRENTLY" && st[0].text == "REFRESH") {
					needsOwn = true
					add(line, Error, "needs-own-file",
						fmt.Sprintf("%s in a -- no-transaction file of %d statements: PostgreSQL runs a multi-statement query as one implicit transaction, so `migrate run` always fails here; move it to a -- no-transaction file of its own", o.what, len(stmts)))
				}
			}
		}
		if !needsOwn {
			add(stmts[1][0].line, Warning, "multi-statement-no-transaction",
				fmt.Sprintf("-- no-transaction with %d statements: PostgreSQL runs a multi-statement query as one implicit transaction anyway; put each statement that needs no transaction in a file of its own", len(stmts)))
		}
	}
	for _, st := range stmts {
		fs = append(fs, statementFindings(f.path, st, noTx)...)
	}
	return fs
}

// outsideTx are statements that cannot run inside a transaction block
// (CONCURRENTLY: but for REFRESH MATERIALIZED VIEW CONCURRENTLY, which can).
var outsideTx = []struct {
	seq  []string
	what string
}{
	{[]string{"CONCURRENTLY"}, "CONCURRENTLY"},
	{[]string{"VACUUM"}, "VACUUM"},
	{[]string{"CREATE", "DATABASE"}, "CREATE DATABASE"},
	{[]string{"DROP", "DATABASE"}, "DROP DATABASE"},
	{[]string{"ALTER", "SYSTEM"}, "ALTER SYSTEM"},
}

func statementFindings(path string, st []word, noTx bool) []Finding {
	var fs []Finding
	if !noTx {
		for _, o := range outsideTx {
			if line, ok := has(st, o.seq...); ok && !(o.what == "CONCURRENTLY" && st[0].text == "REFRESH") {
				fs = append(fs, Finding{File: path, Line: line, Severity: Error, Rule: "needs-no-transaction",
					Message: o.what + " cannot run inside a transaction, and sqlx runs every migration in one: make `-- no-transaction` the file's first line (SQLite: under sqlx 0.9's rules, the default)"})
			}
		}
		if line, ok := has(st, "ADD", "VALUE"); ok && st[0].text == "ALTER" {
			if _, isType := has(st, "ALTER", "TYPE"); isType {
				fs = append(fs, Finding{File: path, Line: line, Severity: Warning, Rule: "enum-add-value",
					Message: "ALTER TYPE … ADD VALUE fails in a transaction before PostgreSQL 12, and after it the new value cannot be used in the same migration"})
			}
		}
		switch first := st[0].text; {
		case first == "BEGIN" || first == "COMMIT" || first == "ROLLBACK" ||
			first == "START" && len(st) > 1 && st[1].text == "TRANSACTION":
			fs = append(fs, Finding{File: path, Line: st[0].line, Severity: Warning, Rule: "explicit-transaction",
				Message: first + " in a migration sqlx already runs in a transaction: it ends sqlx's transaction early, so a failure leaves the database half-migrated; remove it, or use -- no-transaction"})
		}
	}
	return fs
}
