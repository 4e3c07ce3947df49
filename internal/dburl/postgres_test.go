package dburl

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// Every way a password with reserved characters breaks a URL: the error
// names the problem, says how to percent-encode, and quotes no piece of
// the password.
func TestParsePostgresNeverLeaksPassword(t *testing.T) {
	const host = "@db.internal:6000/app"
	for _, pw := range []string{"p?ss", "pa/ss", "pass#word", "123?x=y", "5432/x", "99#frag", "p%zzss", "sec[ret", "a b\x7fc"} {
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

func TestParsePostgresAcceptsEncodedAndAtSigns(t *testing.T) {
	tests := []struct{ in, password, host string }{
		{"postgres://app:p%3Fss@127.0.0.1:54329/db", "p?ss", "127.0.0.1"},
		{"postgres://app:p@ss@127.0.0.1/db", "p@ss", "127.0.0.1"},
		{"postgres://app:a:b@h/db", "a:b", "h"},
		{"postgres://me%40corp:pw@h/db?sslmode=disable", "pw", "h"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		pu, err := url.Parse(u.Conn)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := pu.User.Password(); p != tt.password || pu.Hostname() != tt.host {
			t.Errorf("%q: password %q host %q, want %q %q", tt.in, p, pu.Hostname(), tt.password, tt.host)
		}
	}
}

func TestParsePostgresSocketHost(t *testing.T) {
	tests := []struct{ in, conn string }{
		{"postgres://%2Frun%2Fpostgresql/app", "postgres:///app?host=%2Frun%2Fpostgresql"},
		{"postgresql://u:pw@%2ftmp%2fpg:5433/app?sslmode=disable", "postgresql://u:pw@:5433/app?host=%2ftmp%2fpg&sslmode=disable"},
		{"postgres://localhost/app", "postgres://localhost/app"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if u.Conn != tt.conn {
			t.Errorf("Parse(%q).Conn = %q, want %q", tt.in, u.Conn, tt.conn)
		}
	}
}
