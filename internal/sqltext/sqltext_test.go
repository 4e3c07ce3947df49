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
