package dburl

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbprep/dbprep/internal/engine"
)

// Any input: Parse never panics; an error quotes no secret candidate; a
// parsed URL renders (String) to a URL that parses to the same parts with
// the password masked, and its connection string gives pgx exactly those
// parts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"sqlite:db.sqlite3", "sqlite::memory:", "sqlite://x.db?mode=rwc&immutable=1", "postgres://u:p@h:5432/db?sslmode=disable",
		"postgres://postgres:s3@cret@127.0.0.1:54329/app", "postgres://h/db?password=Qz7Kx&Wv3Lm", "postgres://%2Ftmp/db?options[a]=b%20c", "mysql://x", "sqlite:%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			scheme, _, _ := strings.Cut(s, ":")
			rest := strings.ReplaceAll(err.Error(), strconv.Quote(scheme), "\x00")
			for _, sec := range Secrets(s) {
				if len(sec) >= 4 && strings.Contains(rest, sec) && !strings.Contains(messageWords(), sec) {
					t.Fatalf("Parse(%q) error leaks %q: %v", s, sec, err)
				}
			}
			return
		}
		if u.Engine != engine.Postgres {
			return
		}
		o := u.Postgres
		back, err := Parse(u.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, u.String(), err)
		}
		want := o
		if want.HasPassword {
			want.Password = Mask
		}
		for i, p := range want.Params {
			if secretKeys[p.Key] {
				want.Params[i].Value = Mask
			}
		}
		b := back.Postgres
		if b.User != want.User || b.Password != want.Password || b.Host != want.Host || b.Socket != want.Socket || b.Port != want.Port || b.Database != want.Database || len(b.Params) != len(want.Params) {
			t.Fatalf("Parse(%q) = %+v; its String %q parses to %+v", s, want, u.String(), b)
		}
		cfg, err := pgconn.ParseConfig(o.ConnString(true))
		if err != nil {
			return // a parameter value pgx refuses (e.g. sslmode with no certificate files): it reports that itself
		}
		if cfg.User != o.User && o.User != "" || cfg.Password != o.Password && o.HasPassword || cfg.Database != o.Database && o.Database != "" ||
			o.Port != 0 && cfg.Port != o.Port || o.Host != "" && cfg.Host != o.Host && !strings.Contains(o.Host, ",") || o.Socket != "" && cfg.Host != o.Socket {
			t.Fatalf("pgx reads %q as user %q password %q host %q port %d db %q; dbprep read %+v", s, cfg.User, cfg.Password, cfg.Host, cfg.Port, cfg.Database, o)
		}
	})
}

// Whatever surrounds it, a password put percent-encoded in a URL's
// userinfo or form-encoded in a password= parameter is read back exactly,
// and is gone from String and from a message Scrub has seen.
func FuzzRedactHidesPassword(f *testing.F) {
	f.Add("alice", "hunter2", "db.example.com:5432", "app")
	f.Add("", "p@ss/w:rd", "h", "")
	f.Add("u", "a b&c=d+e#f?g%h", "[::1]:1", "x")
	f.Fuzz(func(t *testing.T, user, pw, host, path string) {
		// NUL is the delimiter of the message Scrub is given below: a
		// user, host or database name holding it would make that message
		// hold the URL's public text around the password.
		if pw == "" || strings.Contains(user+host+path, "\x00") || strings.ContainsAny(host, "@/?#") || strings.ContainsAny(path, "@?#") || strings.ContainsAny(user, "@:/?#") || !utf8Valid(pw) {
			return
		}
		forms := []func(string) string{
			func(p string) string { return "postgres://" + user + ":" + url.PathEscape(p) + "@" + host + "/" + path },
			func(p string) string { return "postgres://" + host + "/" + path + "?password=" + url.QueryEscape(p) },
			func(p string) string { return "mysql://" + user + ":" + url.PathEscape(p) + "@" + host + "/" + path },
			func(p string) string { return "mariadb://" + user + ":" + url.PathEscape(p) + "@" + host + "/" + path },
		}
		for _, form := range forms {
			raw := form(pw)
			u, err := Parse(raw)
			if err != nil {
				continue // the host, user or path is bad: FuzzParse covers the error
			}
			if got := password(u); got != pw {
				t.Fatalf("Parse(%q) read the password %q, not %q", raw, got, pw)
			}
			// Structure, not substrings: another password of the same
			// length renders the same.
			q := strings.Repeat("Z", len(pw))
			if uq, err := Parse(form(q)); err != nil || uq.String() != u.String() {
				t.Fatalf("Parse(%q).String() = %q, but for password %q: %q (%v)", raw, u.String(), q, uq.String(), err)
			}
			if got := Scrub("failed:\x00"+pw+"\x00", raw); strings.Contains(got, "\x00"+pw+"\x00") && !strings.Contains(pw, "\x00") {
				t.Fatalf("Scrub left %q", got)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// A URL whose password holds any characters, reserved ones included,
// either parses as net/url (which follows the same authority rules as
// WHATWG and sqlx) parses it, or is refused with an error that holds no
// piece of the password.
func FuzzParseHidesPassword(f *testing.F) {
	f.Add("app", "p?ss", "127.0.0.1:54329", "db", "sslmode=disable")
	f.Add("app", "pa/ss", "h", "db", "")
	f.Add("app", "pass#word", "h:5432", "db", "")
	f.Add("app", "123?x=y", "h", "db", "")
	f.Add("u", "p%zzss", "h", "", "")
	f.Add("postgres", "s3@cret", "127.0.0.1:54329", "app", "")
	f.Add("u", "p@ss:w/rd?#", "[::1]:5432", "app", "host=/tmp")
	f.Fuzz(func(t *testing.T, user, pw, host, path, query string) {
		for _, scheme := range []string{"postgres", "mysql"} {
			parseHidesPassword(t, scheme, user, pw, host, path, query)
		}
	})
}

// password is the password u holds.
func password(u URL) string {
	if u.MySQL.HasPassword {
		return u.MySQL.Password
	}
	return u.Postgres.Password
}

func parseHidesPassword(t *testing.T, scheme, user, pw, host, path, query string) {
	{
		if len(pw) < 3 || strings.ContainsAny(user, ":@/?#") || strings.ContainsAny(host, "@/?#") ||
			strings.ContainsAny(path, "?#@") || strings.ContainsAny(query, "#@") || strings.Contains(pw, Mask) {
			return
		}
		form := func(p string) string {
			s := scheme + "://" + user + ":" + p + "@" + host + "/" + path
			if query != "" {
				s += "?" + query
			}
			return s
		}
		raw := form(pw)
		if strings.Contains(form(Mask), pw) {
			return // the password's text is in the URL's other parts too
		}
		u, err := Parse(raw)
		if _, qerr := Parse(form(sameShape(pw))); (err == nil) != (qerr == nil) || err != nil && err.Error() != qerr.Error() {
			t.Fatalf("Parse(%q) = %v, but for a password of the same shape %v", raw, err, qerr)
		}
		if err != nil {
			for _, piece := range passwordPieces(pw) {
				if len(piece) >= 4 && strings.Contains(err.Error(), piece) && !strings.Contains(messageWords(), piece) {
					t.Fatalf("Parse(%q) error leaks %q: %v", raw, piece, err)
				}
			}
			return
		}
		q := sameShape(pw)
		if uq, err := Parse(form(q)); err != nil || uq.String() != u.String() {
			t.Fatalf("Parse(%q).String() = %q, but for password %q: %q (%v)", raw, u.String(), q, uq.String(), err)
		}
		nu, nerr := url.Parse(cleanURL(raw))
		if nerr != nil || nu.User == nil {
			return
		}
		np, _ := nu.User.Password()
		gotUser := u.Postgres.User
		if scheme == "mysql" {
			gotUser = u.MySQL.User
		}
		if gotUser != nu.User.Username() || password(u) != np {
			t.Fatalf("Parse(%q): user %q password %q; net/url reads user %q password %q", raw, gotUser, password(u), nu.User.Username(), np)
		}
	}
}

// messageWords is every fixed text of Parse's PostgreSQL errors: a password
// that is a piece of them ("pass") is found there without being leaked.
func messageWords() string {
	return strings.Join([]string{ErrInvalidURL.Error(), PercentEncoding, strayAtProblem, ErrUnsupportedScheme.Error(), unsupportedSchemeHint,
		"an IPv6 host has no closing ']'", "the host has a character a host name cannot have", "the URL has a port but no host (for the default socket, leave out both: postgres:///DBNAME)",
		"the text after the host's ':' is not a port number (0 to 65535)", "the user name is not UTF-8 once percent-decoded", "the password is not UTF-8 once percent-decoded",
		"the database name is not UTF-8 once percent-decoded", "unknown sslmode (use disable, allow, prefer, require, verify-ca, verify-full)",
		"statement-cache-capacity is not a whole number", "the port parameter is not a port number (0 to 65535)",
		"the URL has a port but no host (write mysql://USER@HOST:PORT/DB, or ?socket=PATH for a socket)", "statement-cache-capacity is not a number",
		"unknown value for sslmode: use one of \"disabled\", \"preferred\", \"required\", \"verify_ca\", \"verify_identity\"",
		"the host in brackets is not an IPv6 address (brackets hold an IPv6 address only, without a zone)"}, "\n")
}

// sameShape is another password of pw's shape: every letter and digit
// moved on within its class (hex digits within hex digits), reserved
// characters and %XX escapes kept.
func sameShape(pw string) string {
	b := []byte(pw)
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			i += 2
			continue
		}
		for _, r := range []string{"0123456789", "abcdef", "ABCDEF", "ghijklmnopqrstuvwxyz", "GHIJKLMNOPQRSTUVWXYZ"} {
			if j := strings.IndexByte(r, b[i]); j >= 0 {
				b[i] = r[(j+1)%len(r)]
				break
			}
		}
	}
	return string(b)
}
