package dburl

import (
	"errors"
	"strings"
	"testing"
)

// Every way a password with reserved characters breaks a URL: the error
// names the problem, says how to percent-encode, and quotes no piece of
// the password.
func TestParsePostgresNeverLeaksPassword(t *testing.T) {
	const host = "@db.internal:6000/app"
	for _, pw := range []string{"p?ss", "pa/ss", "pass#word", "123?x=y", "5432/x", "99#frag"} {
		raw := "postgres://app:" + pw + host
		t.Run(pw, func(t *testing.T) {
			_, err := Parse(raw)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", raw)
			}
			if !errors.Is(err, ErrInvalidURL) {
				t.Errorf("want ErrInvalidURL, got %v", err)
			}
			msg := err.Error()
			for _, piece := range passwordPieces(pw) {
				if strings.Contains(msg, piece) {
					t.Errorf("error quotes %q of the password %q: %s", piece, pw, msg)
				}
			}
			if !strings.Contains(msg, "? → %3F") {
				t.Errorf("error does not say how to percent-encode: %s", msg)
			}
		})
	}
}

// passwordPieces are the parts of pw between reserved characters that a
// URL parser could quote on their own, long enough to be told apart from
// the message's own words.
func passwordPieces(pw string) []string {
	out := []string{pw}
	for _, f := range strings.FieldsFunc(pw, func(r rune) bool { return strings.ContainsRune("?/#%[ \x7f=", r) }) {
		if len(f) >= 2 {
			out = append(out, ":"+f, f+"@")
		}
	}
	return out
}

// The WHATWG URL rules sqlx follows (Rust's url crate): the userinfo ends
// at the last '@' of the authority, the user name at its first ':', and
// both are percent-decoded; a query password ends at the next '&'.
func TestParsePostgresWHATWG(t *testing.T) {
	tests := []struct {
		in                         string
		user, password, host, sock string
		port                       uint16
		db                         string
	}{
		{"postgres://postgres:s3@cret@127.0.0.1:54329/app", "postgres", "s3@cret", "127.0.0.1", "", 54329, "app"},
		{"postgres://app:p@ss9Q@127.0.0.1:1/db", "app", "p@ss9Q", "127.0.0.1", "", 1, "db"},
		{"postgres://app:p%3Fss@127.0.0.1:54329/db", "app", "p?ss", "127.0.0.1", "", 54329, "db"},
		{"postgres://app:a:b@h/db", "app", "a:b", "h", "", 0, "db"},
		{"postgres://me%40corp:pw@h/db?sslmode=disable", "me@corp", "pw", "h", "", 0, "db"},
		{"postgres://u:%zz%41@h/db", "u", "%zzA", "h", "", 0, "db"},
		{"postgres://u:@h/db", "u", "", "h", "", 0, "db"},
		{"postgres://%2Frun%2Fpostgresql/app", "", "", "", "/run/postgresql", 0, "app"},
		{"postgresql://u:pw@%2ftmp%2fpg:5433/app", "u", "pw", "", "/tmp/pg", 5433, "app"},
		{"postgres:///app?host=/var/run/postgresql", "", "", "", "/var/run/postgresql", 0, "app"},
		{"postgres://[::1]:5432/my%20db", "", "", "::1", "", 5432, "my db"},
		{"  postgres://u:p\tw@h/db\n", "u", "pw", "h", "", 0, "db"},
		{"postgres://h/db?user=bob&password=Qz7Kx&Wv3Lm", "bob", "Qz7Kx", "h", "", 0, "db"},
		{"postgres://h/db?password=a%26b+c&port=7", "", "a&b c", "h", "", 7, "db"},
		{"postgres://h/db?password=Qz7Kx#Wv3Lm", "", "Qz7Kx", "h", "", 0, "db"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			o := u.Postgres
			if o.User != tt.user || o.Password != tt.password || o.Host != tt.host || o.Socket != tt.sock || o.Port != tt.port || o.Database != tt.db {
				t.Errorf("got user %q password %q host %q socket %q port %d db %q", o.User, o.Password, o.Host, o.Socket, o.Port, o.Database)
			}
			if tt.password != "" && strings.Contains(u.String(), tt.password) {
				t.Errorf("String() = %q shows the password", u.String())
			}
			if tt.password != "" && strings.Contains(o.ConnString(false), tt.password) {
				t.Errorf("ConnString(false) = %q shows the password", o.ConnString(false))
			}
		})
	}
}

func TestParsePostgresNotes(t *testing.T) {
	u, err := Parse("postgres://h/db?user=bob&password=Qz7Kx&Wv3Lm&frob=1#x")
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(u.Notes(), "\n")
	if !strings.Contains(notes, "ignoring 2 unknown parameter(s) after a password= parameter") || !strings.Contains(notes, "fragment") {
		t.Errorf("notes = %q", notes)
	}
	if strings.Contains(notes, "Wv3Lm") || strings.Contains(notes, "frob") {
		t.Errorf("notes name a key after the password: %q", notes)
	}
	u, _ = Parse("postgres://h/db?frob=1")
	if n := strings.Join(u.Notes(), ""); !strings.Contains(n, `"frob"`) {
		t.Errorf("notes = %q, want the unknown key named", n)
	}
}

func TestParsePostgresRefuses(t *testing.T) {
	for _, in := range []string{
		"postgres://u:pw@h:99999/db",
		"postgres://u:pw@h:x/db",
		"postgres://u:pw@:5432/db",
		"postgres://u:pw@[::1/db",
		"postgres://u:pw@[ ]/db",
		"postgres://u:pw@[127.0.0.1]/db",
		"postgres://u:pw@[fe80::1%25eth0]/db",
		"postgres://u:pw@h/db?sslmode=sometimes",
		"postgres://u:pw@h/db?port=x",
		"postgres://u:%ff@h/db",
		"postgres://u:pw@h/d@b",
		"postgres://u:pw@h/db?application_name=a@b",
	} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalidURL) {
			t.Errorf("Parse(%q) = %v, want ErrInvalidURL", in, err)
		}
	}
}

// The connection string handed to pgx round-trips every value, quotes and
// backslashes included.
func TestConnString(t *testing.T) {
	u, err := Parse(`postgres://o%27neil:p%27w%5C@db.example:6432/my%20db?sslmode=require&options[search_path]=a%20b`)
	if err != nil {
		t.Fatal(err)
	}
	want := `host='db.example' port='6432' user='o\'neil' password='p\'w\\' dbname='my db' sslmode='require' options='-c search_path=a\\ b'`
	if got := u.Postgres.ConnString(true); got != want {
		t.Errorf("ConnString(true) =\n %s\nwant\n %s", got, want)
	}
	if got := u.String(); got != "postgres://o%27neil:xxxxx@db.example:6432/my%20db?sslmode=require&options=-c+search_path%3Da%5C+b" {
		t.Errorf("String() = %s", got)
	}
}
