package dotenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	env := map[string]string{"HOME_DIR": "/home/me", "DB_HOST": "from-env"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	got, err := Parse(`
# comment
DATABASE_URL=sqlite:db.sqlite3
export EXPORTED = spaced value   # trailing comment
SINGLE='no $HOME_DIR \n expansion'
DOUBLE="line1\nline2 \"q\" \$HOME_DIR ${HOME_DIR}"
MULTI="a
b"
DB_HOST=from-file
USES_HOST=postgres://$DB_HOST/app
EMPTY=
HASH=value#not-a-comment
CRLF=x`+"\r\n"+`LAST=1`, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"DATABASE_URL": "sqlite:db.sqlite3",
		"EXPORTED":     "spaced value",
		"SINGLE":       `no $HOME_DIR \n expansion`,
		"DOUBLE":       "line1\nline2 \"q\" $HOME_DIR /home/me",
		"MULTI":        "a\nb",
		"DB_HOST":      "from-file",
		"USES_HOST":    "postgres://from-env/app",
		"EMPTY":        "",
		"HASH":         "value#not-a-comment",
		"CRLF":         "x",
		"LAST":         "1",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A=1\nJUST_A_WORD\n", "2: no '='"},
		{"1BAD=x", "1: the text before '=' is not a variable name"},
		{"A=1\nB='unterminated\nC=3", "2: B: unterminated quoted value"},
		{`A="bad \q escape"`, `1: A: unknown escape sequence`},
		{`A="x" trailing`, `1: A: unexpected text after the closing quote`},
		{"=value", "1: the text before '=' is not a variable name"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "KEY=value") {
			t.Errorf("Parse(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// A malformed line is named by its number and its variable, never
// quoted: it may hold a password.
func TestParseErrorsShowNoValue(t *testing.T) {
	const secret = "Hj4RtNp8Ys"
	tests := []struct{ in, want string }{
		{"DATABASE_URL: postgres://eu:" + secret + "@db/app\n", "1: no '=' after DATABASE_URL"},
		{"export DATABASE_URL postgres://eu:" + secret + "@db/app\n", "1: no '=' after DATABASE_URL"},
		{"PGPASSWORD " + secret + "\n", "1: no '=' after PGPASSWORD"},
		{"DATABASE_URL: postgres://eu:" + secret + "@db/app?sslmode=disable\n", "1: the text before '=' (starting DATABASE_URL) is not a variable name"},
		{`P="` + secret + `\q"`, "1: P: unknown escape sequence"},
		{`P="` + secret[:4] + `" ` + secret[4:], "1: P: unexpected text after the closing quote"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.in, err, tt.want)
			continue
		}
		for i := 0; i+3 <= len(secret); i++ {
			if strings.Contains(err.Error(), secret[i:i+3]) {
				t.Errorf("Parse(%q) error shows %q of the secret: %v", tt.in, secret[i:i+3], err)
			}
		}
	}
}

func TestFindAndLoad(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	os.MkdirAll(deep, 0o755)
	os.WriteFile(filepath.Join(root, "a", ".env"), []byte("X=1\nBROKEN\n"), 0o644)
	p := Find(deep)
	if p != filepath.Join(root, "a", ".env") {
		t.Fatalf("Find = %q", p)
	}
	_, err := Load(p, nil)
	if err == nil || !strings.HasPrefix(err.Error(), p+":2: ") {
		t.Errorf("Load error must name file and line: %v", err)
	}
}
