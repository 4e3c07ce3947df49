package effect

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/lint"
)

// diff is what one migration (file) did to the released tables and
// columns: before and after are the catalogs around it, released the
// release's, on engine e. Tables and columns that are not released are
// free to change.
func diff(released, before, after Catalog, file string, e engine.Engine) []lint.Finding {
	var out []lint.Finding
	add := func(sev lint.Severity, rule, format string, args ...any) {
		out = append(out, lint.Finding{File: file, Line: 1, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	for _, table := range slices.Sorted(maps.Keys(before)) {
		cols := before[table]
		if released[table] == nil {
			continue
		}
		now, ok := after[table]
		if !ok {
			if to := renamedTable(cols, before, after); to != "" {
				add(lint.Error, "breaks-running-app", "the released table %s is renamed to %s: the version running now still uses %s and fails until it is replaced; "+
					"expand and contract: create %s, write to both, move the readers, then drop %s in a later release", table, to, table, to, table)
			} else {
				add(lint.Error, "destructive", "the released table %s is dropped, with its rows; a version running now that still uses it fails: "+
					"stop using it in one release, drop it in a later one", table)
			}
			continue
		}
		for _, col := range slices.Sorted(maps.Keys(cols)) {
			was := cols[col]
			if _, rel := released[table][col]; !rel {
				continue
			}
			is, ok := now[col]
			switch {
			case !ok:
				if to := renamedColumn(was, cols, now); to != "" {
					add(lint.Error, "breaks-running-app", "the released column %s.%s is renamed to %s: the version running now still reads and writes %s and fails until it is replaced; "+
						"expand and contract: add %s, write to both, move the readers, then drop %s in a later release", table, col, to, col, to, col)
				} else {
					add(lint.Error, "destructive", "the released column %s.%s is dropped, with its data; a version running now that still reads it fails: "+
						"stop using it in one release, drop it in a later one", table, col)
				}
			case is.Type != was.Type && widens(was.Type, is.Type) && e == engine.MySQL:
				add(lint.Warning, "rewrites-table", "the released column %s.%s changes type from %s to %s: no value is lost, but MySQL and MariaDB copy the table "+
					"(ALGORITHM=COPY), blocking writes for as long, unless it is a VARCHAR that grows within the same length prefix (up to 255 bytes, or beyond)",
					table, col, was.Type, is.Type)
			case is.Type != was.Type && widens(was.Type, is.Type) && !isInteger(was.Type):
				// A longer varchar, varchar to text, more numeric precision:
				// PostgreSQL changes the catalog alone.
			case is.Type != was.Type && widens(was.Type, is.Type):
				add(lint.Warning, "rewrites-table", "the released column %s.%s changes type from %s to %s: no value is lost, but PostgreSQL rewrites the table, "+
					"holding an ACCESS EXCLUSIVE lock for as long", table, col, was.Type, is.Type)
			case is.Type != was.Type:
				add(lint.Error, "destructive", "the released column %s.%s changes type from %s to %s: values may not fit, and the version running now may send ones the new type refuses",
					table, col, was.Type, is.Type)
			case is.NotNull && !was.NotNull:
				add(lint.Warning, "breaks-running-app", "the released column %s.%s becomes NOT NULL: the version running now may still write NULL there, and those writes fail", table, col)
			}
		}
		for _, col := range slices.Sorted(maps.Keys(now)) {
			if _, existed := cols[col]; !existed && now[col].NotNull && !now[col].HasDefault {
				add(lint.Error, "breaks-running-app", "the column %s.%s is added to a released table NOT NULL without a default: the version running now inserts rows without it, "+
					"and those inserts fail; give it a default, or add it nullable and make it NOT NULL in a later release", table, col)
			}
		}
	}
	return out
}

// renamedTable is a table of after, not of before, with exactly the
// columns of cols: where cols' table went.
func renamedTable(cols map[string]Column, before, after Catalog) string {
	for _, t := range slices.Sorted(maps.Keys(after)) {
		if _, old := before[t]; !old && maps.Equal(after[t], cols) {
			return t
		}
	}
	return ""
}

// renamedColumn is a column of now, not of cols, of was's type: where a
// column that is gone went.
func renamedColumn(was Column, cols, now map[string]Column) string {
	for _, c := range slices.Sorted(maps.Keys(now)) {
		if _, old := cols[c]; !old && now[c].Type == was.Type {
			return c
		}
	}
	return ""
}

// sized is compiled on first use: a package variable would cost every
// dbprep command its compilation at start-up.
// isInteger reports whether t is one of PostgreSQL's integer types, whose
// widening rewrites the table.
func isInteger(t string) bool {
	return slices.Contains([]string{"smallint", "integer"}, strings.ToLower(t))
}

var sized = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(character varying|varchar|character|char|numeric|decimal)\((\d+)(?:,\s*(\d+))?\)$`)
})

// widens reports whether a column of type from can hold every value as
// type to: a wider integer, a longer or unbounded string.
func widens(from, to string) bool {
	from, to = strings.ToLower(from), strings.ToLower(to)
	// tinyint and mediumint, and the text types but text, are MySQL's.
	ints := []string{"tinyint", "smallint", "mediumint", "integer", "bigint"}
	if i, j := slices.Index(ints, from), slices.Index(ints, to); i >= 0 && j > i {
		return true
	}
	texts := []string{"tinytext", "text", "mediumtext", "longtext"}
	if i, j := slices.Index(texts, from), slices.Index(texts, to); i >= 0 && j > i {
		return true
	}
	f := sized().FindStringSubmatch(from)
	if f == nil {
		return false
	}
	if (f[1] == "character varying" || f[1] == "varchar") && slices.Index(texts, to) > 0 {
		return true
	}
	t := sized().FindStringSubmatch(to)
	if t == nil || t[1] != f[1] {
		return false
	}
	fn, _ := strconv.Atoi(f[2])
	tn, _ := strconv.Atoi(t[2])
	fs, _ := strconv.Atoi(f[3])
	ts, _ := strconv.Atoi(t[3])
	return tn >= fn && ts >= fs && tn-ts >= fn-fs
}
