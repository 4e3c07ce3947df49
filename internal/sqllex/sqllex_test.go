package sqllex

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// show renders the tokens as Kind:text, space-separated, white space left out.
func show(sql string, o Options) string {
	var out []string
	for t := range Tokens(sql, o) {
		if t.Kind != Space {
			out = append(out, fmt.Sprintf("%v:%s", t.Kind, t.Text(sql)))
		}
	}
	return strings.Join(out, " ")
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		o    Options
		want string
	}{
		{"words and bytes", "SELECT a1, _b FROM t;", SQLite, "Word:SELECT Word:a1 Byte:, Word:_b Word:FROM Word:t Byte:;"},
		{"non-ASCII names", "SELECT naïve", SQLite, "Word:SELECT Word:naïve"},
		{"numbers are bytes", "x=10", SQLite, "Word:x Byte:= Byte:1 Byte:0"},
		{"line comment", "a -- ; b\nc", SQLite, "Word:a LineComment:-- ; b Word:c"},
		{"block comment", "a /* ; '\n */ b", SQLite, "Word:a BlockComment:/* ; '\n */ Word:b"},
		{"string with a doubled quote", "'it''s; fine' x", SQLite, "String:'it''s; fine' Word:x"},
		{"quoted names", "\"a \"\"b\"\"\" `c;d`", SQLite, "QuotedName:\"a \"\"b\"\"\" QuotedName:`c;d`"},
		{"brackets on SQLite", "[a;b] x", SQLite, "QuotedName:[a;b] Word:x"},
		{"brackets on PostgreSQL", "a[1]", Postgres, "Word:a Byte:[ Byte:1 Byte:]"},
		{"escape string on PostgreSQL", `E'it\'s;' x`, Postgres, `String:E'it\'s;' Word:x`},
		{"no escape string on SQLite", `E'a\' x`, SQLite, `Word:E String:'a\' Word:x`},
		{"a word ending in E is a word", "WHERE'x'", Postgres, "Word:WHERE String:'x'"},
		{"dollar body", "$$ ; ' $$ x", Postgres, "DollarBody:$$ ; ' $$ Word:x"},
		{"tagged dollar body", "$fn$ a $$ b $fn$;", Postgres, "DollarBody:$fn$ a $$ b $fn$ Byte:;"},
		{"a parameter is no tag", "$1 $2", Postgres, "Byte:$ Byte:1 Byte:$ Byte:2"},
		{"non-ASCII tag", "$é$x$é$", Postgres, "DollarBody:$é$x$é$"},
		{"open string runs to the end", "a 'b; c", SQLite, "Word:a String:'b; c"},
		{"open comment runs to the end", "a /* b", SQLite, "Word:a BlockComment:/* b"},
		{"open dollar body runs to the end", "$x$ b", Postgres, "DollarBody:$x$ b"},
		{"open bracket runs to the end", "[a b", SQLite, "QuotedName:[a b"},
		{"placeholders", "a = ? AND b = :n AND c = @m", SQLite, "Word:a Byte:= Byte:? Word:AND Word:b Byte:= Byte:: Word:n Word:AND Word:c Byte:= Byte:@ Word:m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(tt.sql, tt.o); got != tt.want {
				t.Errorf("Tokens(%q)\n got %s\nwant %s", tt.sql, got, tt.want)
			}
		})
	}
}

func TestLines(t *testing.T) {
	sql := "a\n'b\nc' d\n/* e\n */ f"
	var got []string
	for tok := range Tokens(sql, SQLite) {
		if tok.Code() {
			got = append(got, fmt.Sprintf("%s@%d", tok.Text(sql), tok.Line))
		}
	}
	if want := []string{"a@1", "d@3", "f@5"}; !slices.Equal(got, want) {
		t.Errorf("lines: %v, want %v", got, want)
	}
}

func TestStatements(t *testing.T) {
	sql := "CREATE TABLE a (x TEXT DEFAULT ';');\n-- only a comment;\n;  ;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END"
	var got []string
	for st := range Statements(sql, SQLite) {
		got = append(got, strings.TrimSpace(sql[st[0].Start:st[len(st)-1].End]))
	}
	want := []string{"CREATE TABLE a (x TEXT DEFAULT ';')", "-- only a comment", "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1", "END"}
	// A comment-only statement is no statement: the second is left out.
	want = slices.Delete(want, 1, 2)
	if !slices.Equal(got, want) {
		t.Errorf("Statements:\n got %q\nwant %q", got, want)
	}
}

// Tokens covers the text exactly, in order, with lines that count the
// newlines before each token; every token is the kind its first bytes say.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"SELECT 'a''b' FROM \"t\" -- c\n/* d */ $x$ e $x$;", "E'\\'' [a] `b`", "$1 $$", "'open", "naïve [é"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, sql string, pg bool) {
		o := SQLite
		if pg {
			o = Postgres
		}
		at, line := 0, 1
		for tok := range Tokens(sql, o) {
			if tok.Start != at || tok.End <= tok.Start || tok.End > len(sql) {
				t.Fatalf("%q: token %+v after byte %d", sql, tok, at)
			}
			if tok.Line != line {
				t.Fatalf("%q: token %+v on line %d, want %d", sql, tok, tok.Line, line)
			}
			text := tok.Text(sql)
			ok := map[Kind]bool{
				Word:         isWordStart(text[0]),
				Byte:         len(text) == 1,
				Space:        strings.Trim(text, " \t\r\n\f") == "",
				LineComment:  strings.HasPrefix(text, "--") && !strings.Contains(text, "\n"),
				BlockComment: strings.HasPrefix(text, "/*"),
				String:       text[0] == '\'' || o.EscapeStrings && (text[0] == 'E' || text[0] == 'e'),
				QuotedName:   text[0] == '"' || text[0] == '`' || o.Brackets && text[0] == '[',
				DollarBody:   DollarTag(text) != "",
			}[tok.Kind]
			if !ok {
				t.Fatalf("%q: token %v %q", sql, tok.Kind, text)
			}
			line += strings.Count(text, "\n")
			at = tok.End
		}
		if at != len(sql) {
			t.Fatalf("%q: tokens end at %d of %d", sql, at, len(sql))
		}
	})
}
