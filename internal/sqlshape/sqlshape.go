// Package sqlshape reads what a query's text says about whether its result
// columns can be NULL, where the database's own answer (a column's origin
// and its NOT NULL) does not reach: which select-list items are aggregates
// over possibly no rows, which tables sit on the nullable side of an outer
// join, and which names a WHERE, ON, USING or HAVING clause filters. It
// reads tokens (package sqllex), not a grammar: whatever it does not
// understand it reports as not understood, never as a guess.
package sqlshape

import (
	"slices"
	"strings"

	"github.com/dbprep/dbprep/internal/sqllex"
)

// Shape is what the text of one statement says.
type Shape struct {
	// Plain: the statement is one SELECT with no WITH, no set operation
	// (UNION, INTERSECT, EXCEPT) and no parenthesised item in its FROM
	// clause, so Items and Refs describe its result.
	Plain bool
	// Items are the top-level select-list items, in order; nil unless
	// Plain and no item is * or t.* (which stand for several columns).
	Items []Item
	// Refs are the FROM clause's tables, in order (when Plain).
	Refs []Ref
	// Grouped: the statement has a top-level GROUP BY.
	Grouped bool
	// filtered are the lower-cased words of every WHERE and HAVING clause,
	// at any depth; joined those of every ON and USING.
	filtered, joined map[string]bool
	// outer: LEFT, RIGHT or FULL [OUTER] JOIN is somewhere in the text.
	outer bool
}

// Item is one select-list item.
type Item struct {
	// Aggregate is the lower-cased name of the aggregate the item is a
	// call of (possibly with an alias), when it is one that gives NULL over
	// no rows: max, min, sum, avg, array_agg, string_agg, group_concat, ….
	Aggregate string
}

// Ref is one table of a FROM clause.
type Ref struct {
	// Table is the table's name, lower-cased, without a schema.
	Table string
	// Join is how it joins the tables before it: "", "JOIN", "LEFT JOIN",
	// "RIGHT JOIN", "FULL JOIN", "CROSS JOIN" (INNER and OUTER dropped).
	Join string
	// Nullable: an outer join puts the table on its nullable side (a LEFT
	// JOIN's right, a RIGHT JOIN's left, either side of a FULL JOIN).
	Nullable bool
	// NullableBy is the join that made it nullable, for messages.
	NullableBy string
}

// nullOverNoRows are the aggregates that give NULL over no rows (count
// gives 0, total 0.0, json_group_array "[]").
var nullOverNoRows = map[string]bool{
	"max": true, "min": true, "sum": true, "avg": true, "array_agg": true, "string_agg": true,
	"group_concat": true, "json_agg": true, "jsonb_agg": true, "json_object_agg": true, "jsonb_object_agg": true,
	"bool_and": true, "bool_or": true, "every": true, "bit_and": true, "bit_or": true, "xmlagg": true,
}

// clauseEnds end a select list or a FROM clause at their depth.
var clauseEnds = map[string]bool{
	"from": true, "where": true, "group": true, "having": true, "order": true, "limit": true, "offset": true,
	"window": true, "union": true, "intersect": true, "except": true, "returning": true, "for": true, "fetch": true,
}

// filterEnds end the clauses whose names are filtered.
var (
	filterEnds = map[string]bool{
		"group": true, "order": true, "limit": true, "offset": true, "window": true, "union": true, "intersect": true,
		"except": true, "returning": true, "join": true, "left": true, "right": true, "full": true, "inner": true,
		"cross": true, "natural": true, "select": true, "from": true, "for": true, "fetch": true,
		"where": true, "having": true, "on": true, "using": true,
	}
)

type tok struct {
	text  string // lower-cased for words and bytes; the name for quoted names
	word  bool   // a word or a quoted name
	depth int    // parentheses around it
}

// Read reads the shape of sql, one statement.
func Read(sql string, o sqllex.Options) Shape {
	var toks []tok
	depth := 0
	for t := range sqllex.Tokens(sql, o) {
		switch t.Kind {
		case sqllex.Word:
			toks = append(toks, tok{text: strings.ToLower(t.Text(sql)), word: true, depth: depth})
		case sqllex.QuotedName:
			text := t.Text(sql)
			toks = append(toks, tok{text: strings.ToLower(text[1 : len(text)-1]), word: true, depth: depth})
		case sqllex.Byte:
			c := sql[t.Start]
			if c == ')' {
				depth--
			}
			toks = append(toks, tok{text: string(c), depth: depth})
			if c == '(' {
				depth++
			}
		case sqllex.String, sqllex.DollarBody:
			toks = append(toks, tok{text: "'", depth: depth})
		}
	}
	s := Shape{filtered: clauseWords(toks, "where", "having"), joined: clauseWords(toks, "on", "using")}
	for i, t := range toks {
		if t.word && (t.text == "left" || t.text == "right" || t.text == "full") && i+1 < len(toks) &&
			(toks[i+1].text == "join" || toks[i+1].text == "outer") {
			s.outer = true
		}
	}
	for len(toks) > 0 && toks[len(toks)-1].text == ";" {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 || toks[0].text != "select" {
		return s
	}
	for _, t := range toks {
		if t.depth != 0 {
			continue
		}
		switch t.text {
		case "union", "intersect", "except", ";":
			return s
		}
	}
	i := 1
	if i < len(toks) && (toks[i].text == "distinct" || toks[i].text == "all") {
		i++
		if toks[i-1].text == "distinct" && i < len(toks) && toks[i].text == "on" {
			return s // DISTINCT ON (…): not read
		}
	}
	items, star, i := readItems(toks, i)
	from := i < len(toks) && toks[i].text == "from"
	var refs []Ref
	if from {
		var ok bool
		refs, i, ok = readFrom(toks, i+1)
		if !ok {
			return s
		}
	}
	for ; i < len(toks); i++ {
		if toks[i].depth == 0 && toks[i].text == "group" {
			s.Grouped = true
		}
	}
	s.Plain = true
	s.Refs = refs
	if !star {
		s.Items = items
	}
	return s
}

// readItems reads the select list from toks[i], up to a top-level clause.
func readItems(toks []tok, i int) ([]Item, bool, int) {
	var items []Item
	star := false
	start := i
	end := func(j int) {
		item := toks[start:j]
		if n := len(item); n > 0 && item[n-1].text == "*" {
			star = true
		}
		items = append(items, readItem(item))
	}
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.depth != 0 {
			continue
		}
		if t.word && clauseEnds[t.text] {
			break
		}
		if t.text == "," {
			end(i)
			start = i + 1
		}
	}
	end(i)
	return items, star, i
}

// readItem: name ( … ) [[AS] alias] is a call of name.
func readItem(item []tok) Item {
	if len(item) < 3 || !item[0].word || item[1].text != "(" {
		return Item{}
	}
	closing := -1
	for j := 2; j < len(item); j++ {
		if item[j].depth == 0 && item[j].text == ")" {
			closing = j
			break
		}
	}
	rest := item[closing+1:]
	if closing < 0 || len(rest) > 2 || len(rest) == 2 && rest[0].text != "as" || len(rest) > 0 && !rest[len(rest)-1].word {
		return Item{} // an expression around the call (max(x) + 1, … FILTER (…), … OVER (…))
	}
	if name := item[0].text; nullOverNoRows[name] {
		return Item{Aggregate: name}
	}
	return Item{}
}

// readFrom reads the FROM clause from toks[i]: table [[AS] alias], joined
// by commas or joins with their ON or USING conditions.
func readFrom(toks []tok, i int) ([]Ref, int, bool) {
	var refs []Ref
	join := ""
	for i < len(toks) {
		t := toks[i]
		if t.depth != 0 {
			i++
			continue
		}
		switch {
		case t.text == "(":
			return nil, i, false // a subquery or a parenthesised join
		case t.word && clauseEnds[t.text]:
			return refs, i, true
		case t.text == ",":
			join = "CROSS JOIN"
			i++
			continue
		case t.word && (t.text == "on" || t.text == "using"):
			// the condition, up to the next join at this depth
			i++
			for i < len(toks) && !(toks[i].depth == 0 && (toks[i].text == "," || toks[i].word && (clauseEnds[toks[i].text] || isJoinWord(toks[i].text)))) {
				i++
			}
			continue
		case t.word && isJoinWord(t.text):
			kind := ""
			for i < len(toks) && toks[i].word && isJoinWord(toks[i].text) {
				switch toks[i].text {
				case "left", "right", "full", "cross":
					kind = strings.ToUpper(toks[i].text) + " "
				}
				if toks[i].text == "join" {
					break
				}
				i++
			}
			if i >= len(toks) || toks[i].text != "join" {
				return nil, i, false
			}
			join = kind + "JOIN"
			i++
			continue
		case t.word:
			name := t.text
			i++
			for i+1 < len(toks) && toks[i].text == "." && toks[i+1].word {
				name = toks[i+1].text
				i += 2
			}
			if i < len(toks) && toks[i].text == "(" {
				return nil, i, false // a table-valued function
			}
			if i < len(toks) && toks[i].text == "as" {
				i++
			}
			if i < len(toks) && toks[i].word && !clauseEnds[toks[i].text] && !isJoinWord(toks[i].text) && toks[i].text != "on" && toks[i].text != "using" {
				i++ // the alias
			}
			r := Ref{Table: name, Join: join}
			if join == "LEFT JOIN" || join == "FULL JOIN" {
				r.Nullable, r.NullableBy = true, join+" on "+name
			}
			if join == "RIGHT JOIN" || join == "FULL JOIN" {
				for k := range refs {
					if !refs[k].Nullable {
						refs[k].Nullable, refs[k].NullableBy = true, join+" on "+name
					}
				}
			}
			refs = append(refs, r)
			join = ""
		default:
			return nil, i, false
		}
	}
	return refs, i, true
}

func isJoinWord(w string) bool {
	switch w {
	case "join", "left", "right", "full", "inner", "outer", "cross", "natural":
		return true
	}
	return false
}

// clauseWords are the words of every clause that starts with one of starts.
func clauseWords(toks []tok, starts ...string) map[string]bool {
	out := map[string]bool{}
	in := -1 // the depth of the clause being read, -1 outside one
	for _, t := range toks {
		switch {
		case in >= 0 && (t.depth < in || t.depth == in && (t.text == ";" || t.word && filterEnds[t.text])):
			in = -1
		case in >= 0 && t.word:
			out[t.text] = true
		}
		if in < 0 && t.word && slices.Contains(starts, t.text) {
			in = t.depth
		}
	}
	return out
}

// Filtered reports whether a WHERE or HAVING clause names column (any
// case): a comparison there drops the rows where it is NULL, so whether a
// NULL is left cannot be told from the text.
func (s Shape) Filtered(column string) bool { return s.filtered[strings.ToLower(column)] }

// Joined reports whether an ON or USING clause names column: an inner
// join's condition drops its NULLs as a WHERE does.
func (s Shape) Joined(column string) bool { return s.joined[strings.ToLower(column)] }

// OuterSide says whether table (by name, any case) is on the nullable side
// of an outer join of a Plain statement. known is false when the statement
// is not Plain, or the table is in its FROM clause more than once with
// different sides, or not at all.
func (s Shape) OuterSide(table string) (r Ref, known bool) {
	if !s.Plain {
		return Ref{}, false
	}
	table = strings.ToLower(table)
	found := false
	for _, ref := range s.Refs {
		if ref.Table != table {
			continue
		}
		if found && ref.Nullable != r.Nullable {
			return Ref{}, false
		}
		r, found = ref, true
	}
	return r, found
}

// HasOuterJoin reports whether the text has a LEFT, RIGHT or FULL join
// anywhere, at any depth.
func (s Shape) HasOuterJoin() bool { return s.outer }
