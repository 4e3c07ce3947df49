package effect

import (
	"slices"
	"strings"

	"github.com/dbprep/dbprep/internal/lint"
	"github.com/dbprep/dbprep/internal/sqllex"
)

// locks reports the statements of a new PostgreSQL migration (sql, in
// file) that lock a released table for the length of a scan or a build,
// after squawk's rules that matter most: an index built without
// CONCURRENTLY, and a foreign key or check constraint added without NOT
// VALID (then VALIDATE CONSTRAINT in a later migration takes only a SHARE
// UPDATE EXCLUSIVE lock). Type changes and SET NOT NULL are the catalog's
// to find (diff). A table created by the change itself is free to lock.
func locks(released Catalog, sql, file string) []lint.Finding {
	var out []lint.Finding
	for stmt := range sqllex.Statements(sql, sqllex.Postgres) {
		var words []string
		line := 0
		for _, t := range stmt {
			if !t.Code() && t.Kind != sqllex.QuotedName {
				continue
			}
			if line == 0 {
				line = t.Line
			}
			w := t.Text(sql)
			if t.Kind == sqllex.QuotedName {
				w = strings.ReplaceAll(w[1:len(w)-1], `""`, `"`)
			} else {
				w = strings.ToLower(w)
			}
			words = append(words, w)
		}
		add := func(rule, msg string) {
			out = append(out, lint.Allow(lint.Finding{File: file, Line: line, Severity: lint.Error, Rule: rule, Message: msg}))
		}
		switch {
		case len(words) > 2 && words[0] == "create" && (words[1] == "index" || words[1] == "unique" && words[2] == "index"):
			if slices.Contains(words, "concurrently") {
				continue
			}
			if t := after(words, "on"); released.has(t) {
				add("locks-table", "an index is built on the released table "+t+" without CONCURRENTLY: writes to it wait until the build ends; "+
					"CREATE INDEX CONCURRENTLY, alone in a migration with -- no-transaction")
			}
		case len(words) > 2 && words[0] == "alter" && words[1] == "table" && slices.Contains(words, "add") && volatileColumn(words) != "":
			if t := tableOf(words); released.has(t) {
				add("locks-table", "a column is added to the released table "+t+" with "+volatileColumn(words)+": PostgreSQL fills every row at once, "+
					"rewriting the table under an exclusive lock; add it with no default (or a constant one), fill it in batches, then set the default")
			}
		case len(words) > 2 && words[0] == "alter" && words[1] == "table" && slices.Contains(words, "add") &&
			(slices.Contains(words, "foreign") || slices.Contains(words, "references") || slices.Contains(words, "check")) &&
			!slices.Contains(words, "valid"):
			if t := tableOf(words); released.has(t) {
				add("locks-table", "a constraint is added to the released table "+t+" without NOT VALID: every row is checked under a lock that blocks writes; "+
					"add it NOT VALID, then VALIDATE CONSTRAINT in a later migration")
			}
		}
	}
	return out
}

// volatileColumn says what, in an ALTER TABLE … ADD of words, makes
// PostgreSQL compute a value for every existing row (a serial type, an
// identity, a volatile default), or "": a constant or stable default
// (now()) is stored once, in the catalog.
func volatileColumn(words []string) string {
	for i, w := range words {
		switch w {
		case "serial", "bigserial", "smallserial":
			return "the type " + w
		case "identity":
			return "an identity"
		case "default":
			for _, f := range words[i+1:] {
				switch f {
				case "random", "gen_random_uuid", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval", "txid_current":
					return "a volatile default, " + f + "()"
				case ",", "not", "null", "constraint", "references", "check", "primary", "unique":
					return ""
				}
			}
		}
	}
	return ""
}

// after is the name after the word w in words ("" when none), with its
// schema when it has one ("public . users" is read as one name).
func after(words []string, w string) string {
	i := slices.Index(words, w)
	if i < 0 || i+1 >= len(words) {
		return ""
	}
	name := words[i+1]
	if name == "only" && i+2 < len(words) {
		i, name = i+1, words[i+2]
	}
	if i+3 < len(words) && words[i+2] == "." {
		name += "." + words[i+3]
	}
	return name
}

// tableOf is the table of ALTER TABLE [IF EXISTS] [ONLY] name.
func tableOf(words []string) string {
	rest := words[2:]
	if len(rest) > 2 && rest[0] == "if" && rest[1] == "exists" {
		rest = rest[2:]
	}
	return after(append([]string{"table"}, rest...), "table")
}

// has reports whether the catalog holds the table named t, qualified with
// its schema or not.
func (c Catalog) has(t string) bool {
	if t == "" {
		return false
	}
	if _, ok := c[t]; ok {
		return true
	}
	for name := range c {
		if _, base, ok := strings.Cut(name, "."); ok && base == t {
			return true
		}
	}
	return false
}

// postgresOnly is a token of sql that only PostgreSQL's syntax has (a ::
// cast, a $$ body, CONCURRENTLY, EXTENSION, plpgsql, ILIKE), or "":
// migrations that hold one are PostgreSQL's, and applying them to the
// default SQLite scratch database would report their failures there as the
// change's. Type names say nothing: SQLite takes any (atuin's SQLite
// migrations declare bigserial columns).
func postgresOnly(sql string) string {
	prevColon := false
	for t := range sqllex.Tokens(sql, sqllex.Postgres) {
		switch {
		case t.Kind == sqllex.DollarBody:
			return "a $$ body"
		case t.Kind == sqllex.Byte && sql[t.Start] == ':':
			if prevColon {
				return "a :: cast"
			}
			prevColon = true
			continue
		case t.Kind == sqllex.Word:
			switch w := strings.ToLower(t.Text(sql)); w {
			case "concurrently", "extension", "plpgsql", "ilike":
				return w
			}
		}
		prevColon = false
	}
	return ""
}
