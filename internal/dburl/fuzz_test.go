package dburl

import (
	"net/url"
	"strconv"
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
			// What the error may show: the redacted URL, the scheme and its
			// own words. Cut out, they leave no seams where a secret's text
			// could be spelled across them (scheme "000" in 000://…).
			scheme, _, _ := strings.Cut(s, ":")
			rest := strings.ReplaceAll(err.Error(), Redact(s), "\x00")
			rest = strings.ReplaceAll(rest, strconv.Quote(scheme), "\x00")
			for _, sec := range Secrets(s) {
				if len(sec) >= 4 && strings.Contains(rest, sec) && !strings.Contains(Redact(s), sec) && !strings.Contains(messageWords(), sec) {
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

// A URL whose password holds any characters, reserved ones included, either
// parses so that the driver reads exactly that password, or is refused with
// an error that holds neither the password nor the redacted form's secret.
func FuzzParseHidesPassword(f *testing.F) {
	f.Add("app", "p?ss", "127.0.0.1:54329", "db", "sslmode=disable")
	f.Add("app", "pa/ss", "h", "db", "")
	f.Add("app", "pass#word", "h:5432", "db", "")
	f.Add("app", "123?x=y", "h", "db", "")
	f.Add("u", "p%zzss", "h", "", "")
	f.Add("u", "p@ss:w/rd?#", "[::1]:5432", "app", "host=/tmp")
	f.Fuzz(func(t *testing.T, user, pw, host, path, query string) {
		if len(pw) < 4 || strings.ContainsAny(user, ":@/?#") || strings.ContainsAny(host, "@/?#") ||
			strings.ContainsAny(path, "?#@") || strings.ContainsAny(query, "#@") || strings.Contains(pw, Mask) {
			return
		}
		form := func(p string) string {
			s := "postgres://" + user + ":" + p + "@" + host + "/" + path
			if query != "" {
				s += "?" + query
			}
			return s
		}
		raw := form(pw)
		if strings.Contains(form(Mask), pw) {
			return // the password's text is in the URL's other parts too
		}
		if strings.Contains(Redact(raw), pw) {
			t.Fatalf("Redact(%q) = %q", raw, Redact(raw))
		}
		u, err := Parse(raw)
		if err != nil {
			if rest := strings.ReplaceAll(err.Error(), Redact(raw), "\x00"); strings.Contains(rest, pw) && !strings.Contains(messageWords(), pw) {
				t.Fatalf("Parse(%q) error leaks the password: %v", raw, err)
			}
			return
		}
		pu, perr := url.Parse(u.Conn)
		if perr != nil {
			t.Fatalf("Parse(%q) accepted a connection string net/url rejects: %v", raw, perr)
		}
		want, uerr := url.PathUnescape(pw)
		if got, _ := pu.User.Password(); uerr == nil && got != want {
			t.Fatalf("Parse(%q) accepted a URL whose driver reads the password %q, not %q", raw, got, want)
		}
	})
}

// messageWords is every fixed text of Parse's PostgreSQL errors: a password
// that is a piece of them ("pass") is found there without being leaked.
func messageWords() string {
	words := []string{ErrInvalidURL.Error(), PercentEncoding, strayAtProblem, ErrUnsupportedScheme.Error(), unsupportedSchemeHint}
	for _, p := range urlProblems {
		words = append(words, p.say)
	}
	return strings.Join(words, "\n")
}
