package dburl

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"sqlite:db.sqlite3", "sqlite::memory:", "sqlite://x.db?mode=rwc&immutable=1", "postgres://u:p@h:5432/db?sslmode=disable", "mysql://x", "sqlite:%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err == nil && u.Kind != SQLite && u.Kind != Postgres {
			t.Fatalf("Parse(%q) kind %v", s, u.Kind)
		}
		if err != nil {
			for _, sec := range Secrets(s) {
				if len(sec) >= 4 && strings.Contains(err.Error(), sec) && !strings.Contains(Redact(s), sec) {
					t.Fatalf("Parse(%q) error leaks %q: %v", s, sec, err)
				}
			}
		}
	})
}

// Whatever surrounds it, a password put in a URL's userinfo or a password=
// parameter is gone from the redacted form.
func FuzzRedactHidesPassword(f *testing.F) {
	f.Add("postgres", "alice", "hunter2", "db.example.com:5432", "app")
	f.Add("postgresql", "", "p@ss/w:rd", "h", "")
	f.Fuzz(func(t *testing.T, scheme, user, pw, host, path string) {
		if len(pw) < 6 || strings.ContainsAny(pw, "?#&=\n\r\t ") || strings.Contains(scheme+user+host+path, pw) ||
			strings.ContainsAny(user, ":@/?") || strings.ContainsAny(host, "@?/") || strings.Contains(path, "?") ||
			strings.Contains(scheme, "://") || strings.Contains(pw, Mask) {
			return
		}
		forms := []func(string) string{
			func(p string) string { return scheme + "://" + user + ":" + p + "@" + host + "/" + path },
			func(p string) string { return scheme + "://" + host + "/" + path + "?password=" + p },
		}
		for _, form := range forms {
			raw := form(pw)
			if strings.Contains(form(Mask), pw) {
				continue // the password's text is in the URL's other parts too
			}
			if strings.Contains(Redact(raw), pw) {
				t.Fatalf("Redact(%q) = %q", raw, Redact(raw))
			}
			if strings.Contains(Scrub("failed: "+raw+" "+pw, raw), pw) {
				t.Fatalf("Scrub left %q", pw)
			}
		}
	})
}
