package sqltext

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	sql := "SELECT ';' AS a; -- c;\n/* d; */ SELECT $f$ ; $f$;  ;\nSELECT E'\\';' "
	got := Split(sql)
	want := []Statement{
		{Text: "SELECT ';' AS a", Offset: 0},
		{Text: " -- c;\n/* d; */ SELECT $f$ ; $f$", Offset: 16},
		{Text: "\nSELECT E'\\';' ", Offset: 52},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Split:\n got %+v\nwant %+v", got, want)
	}
}

func TestRebind(t *testing.T) {
	tests := map[string]string{
		"SELECT * FROM t WHERE a = ? AND b = ?":      "SELECT * FROM t WHERE a = $1 AND b = $2",
		"SELECT '?', \"?\", $$?$$ -- ?\n, ? /* ? */": "SELECT '?', \"?\", $$?$$ -- ?\n, $1 /* ? */",
		"SELECT a ?? b, ?":                           "SELECT a ? b, $1",
		"SELECT E'\\'?', ?":                          "SELECT E'\\'?', $1",
		"SELECT arr[?] FROM t":                       "SELECT arr[$1] FROM t",
	}
	for in, want := range tests {
		if got := Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPositional(t *testing.T) {
	tests := []struct {
		sql    string
		prefix byte
		dollar bool
		want   string
		names  []string
	}{
		{"SELECT :a, :b.c, ':x', a::int, :a", ':', true, "SELECT $1, $2, ':x', a::int, $1", []string{"a", "b.c"}},
		{"SELECT :a, :a", ':', false, "SELECT ?, ?", []string{"a", "a"}},
		{"SELECT @id, \"@no\", [@no] FROM t", '@', false, "SELECT ?, \"@no\", [@no] FROM t", []string{"id"}},
		{"SELECT @id -- @no\n", '@', true, "SELECT $1 -- @no\n", []string{"id"}},
		{"SELECT : , @", ':', true, "SELECT : , @", nil},
	}
	for _, tt := range tests {
		got, names := Positional(tt.sql, tt.prefix, tt.dollar)
		if got != tt.want || !reflect.DeepEqual(names, tt.names) {
			t.Errorf("Positional(%q, %q, %v) = %q, %q; want %q, %q", tt.sql, tt.prefix, tt.dollar, got, names, tt.want, tt.names)
		}
	}
}

func TestFirstLine(t *testing.T) {
	if got := FirstLine("\n  \n  SELECT 1\nFROM t"); got != "SELECT 1" {
		t.Errorf("FirstLine: %q", got)
	}
}

func TestQuote(t *testing.T) {
	for _, c := range []struct{ name, sql, want string }{
		{"one line", "SELECT id FROM users WHERE id = $1", "SELECT id FROM users WHERE id = $1"},
		{"a long line is whole", "SELECT id, name, email, created_at, updated_at FROM users WHERE id = $1 AND deleted_at IS NULL",
			"SELECT id, name, email, created_at, updated_at FROM users WHERE id = $1 AND deleted_at IS NULL"},
		{"a lone keyword first", "\n\tselect\n\t\tid,   name\n\tfrom users\n\twhere id = $1\n", "select id, name from users where id = $1"},
		{"cut on a word", "\nselect\n  id, name, email, created_at, updated_at, deleted_at, last_login\nfrom users\n",
			"select id, name, email, created_at, updated_at, deleted_at, …"},
		{"short first line kept whole", "SELECT u.id, u.name, u.email\nFROM users u\nJOIN teams t ON t.id = u.team_id",
			"SELECT u.id, u.name, u.email FROM users u"},
		{"blank", " \n\t\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Quote(c.sql); got != c.want {
				t.Errorf("Quote(%q) = %q, want %q", c.sql, got, c.want)
			}
		})
	}
}
