// Package dburl parses DATABASE_URL values the way sqlx does and redacts the
// passwords in them. Nothing here connects to anything.
package dburl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/dbprep/dbprep/internal/engine"
)

// URL is a parsed database URL.
type URL struct {
	// Engine is the database engine the URL's scheme names.
	Engine engine.Engine
	// Raw is the URL as given. It may hold a password: never print it; use
	// String.
	Raw string
	// SQLite is set when Engine is SQLite.
	SQLite SQLiteOptions
	// Postgres is set when Engine is Postgres. It holds the password: hand
	// it to the driver, print String.
	Postgres PostgresOptions
	// MySQL is set when Engine is MySQL (mysql:// and mariadb://). It
	// holds the password: hand it to the driver, print String.
	MySQL MySQLOptions
}

// String is the URL rendered from its parsed parts, every password masked.
func (u URL) String() string {
	switch u.Engine {
	case engine.Postgres:
		return u.Postgres.String()
	case engine.SQLite:
		return u.SQLite.String()
	case engine.MySQL:
		return u.MySQL.String()
	}
	return "(no URL)"
}

// Notes are warnings about the URL for the user (parameters sqlx ignores).
func (u URL) Notes() []string {
	if u.Engine == engine.MySQL && len(u.MySQL.Ignored) > 0 {
		return []string{fmt.Sprintf("sqlx ignores the URL parameter(s) %s on MySQL; so does dbprep", quoteAll(u.MySQL.Ignored))}
	}
	return u.Postgres.Notes
}

// SQLiteOptions are the parts of a sqlite: URL that sqlx understands.
type SQLiteOptions struct {
	// Path is the database file, percent-decoded; empty when Memory.
	Path string
	// Memory is true for sqlite::memory: and mode=memory.
	Memory bool
	// Mode is "ro", "rw" (the default: the file must exist), "rwc" or "memory".
	Mode string
	// Immutable is immutable=true|1.
	Immutable bool
	// Cache is "", "private" or "shared".
	Cache string
	// VFS is the vfs= parameter.
	VFS string
}

// String renders o as a sqlite: URL.
func (o SQLiteOptions) String() string {
	if o.Memory {
		return "sqlite::memory:"
	}
	q := url.Values{}
	if o.Mode != "rw" {
		q.Set("mode", o.Mode)
	}
	if o.Cache != "" {
		q.Set("cache", o.Cache)
	}
	if o.Immutable {
		q.Set("immutable", "true")
	}
	if o.VFS != "" {
		q.Set("vfs", o.VFS)
	}
	s := "sqlite:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(o.Path)
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// URIQuery is the query of a SQLite "file:" URI for o's own parameters
// (mode, cache, immutable, vfs); drivers add their pragmas to it.
func (o SQLiteOptions) URIQuery() url.Values {
	q := url.Values{}
	q.Set("mode", o.Mode)
	if o.Cache != "" {
		q.Set("cache", o.Cache)
	}
	if o.Immutable {
		q.Set("immutable", "1")
	}
	if o.VFS != "" {
		q.Set("vfs", o.VFS)
	}
	return q
}

// URIPath is the path part of a SQLite "file:" URI for o (":memory:" for
// an in-memory database): '%', '?' and '#' escaped, and a leading "//"
// collapsed so that it does not read as a URI authority.
func (o SQLiteOptions) URIPath() string {
	if o.Memory {
		return ":memory:"
	}
	path := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(o.Path)
	if strings.HasPrefix(path, "//") {
		path = "/" + strings.TrimLeft(path, "/")
	}
	return path
}

// ErrUnsupportedScheme is returned for a URL of no engine dbprep supports.
var ErrUnsupportedScheme = errors.New("unsupported database URL scheme")

const unsupportedSchemeHint = "use sqlite:PATH (e.g. sqlite:db.sqlite3), postgres://USER@HOST/DB or mysql://USER@HOST/DB"

// Schemes names the URL schemes dbprep takes, for messages.
const Schemes = "sqlite:, postgres:// (postgresql://) and mysql:// (mariadb://)"

// Parse classifies and checks s as sqlx does. Errors never quote the URL.
func Parse(s string) (URL, error) {
	u := URL{Raw: s}
	// sqlx reads a postgres URL with the WHATWG parser, which strips
	// surrounding spaces and controls and reads the scheme in any case; a
	// sqlite: URL it reads as it stands.
	pg := strings.ToLower(cleanURL(s))
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		u.Engine = engine.SQLite
		o, err := parseSQLite(s)
		if err != nil {
			return URL{}, fmt.Errorf("%w: %v", ErrInvalidURL, err)
		}
		u.SQLite = o
	case strings.HasPrefix(pg, "postgres://"), strings.HasPrefix(pg, "postgresql://"):
		u.Engine = engine.Postgres
		o, err := parsePostgres(s)
		if err != nil {
			return URL{}, fmt.Errorf("%w: %v", ErrInvalidURL, err)
		}
		u.Postgres = o
	case strings.HasPrefix(pg, "mysql://"), strings.HasPrefix(pg, "mariadb://"):
		u.Engine = engine.MySQL
		o, err := parseMySQL(s)
		if err != nil {
			return URL{}, fmt.Errorf("%w: %v", ErrInvalidURL, err)
		}
		u.MySQL = o
	default:
		scheme, _, ok := strings.Cut(s, ":")
		if !ok || strings.ContainsFunc(scheme, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')
		}) || len(scheme) > 20 {
			return URL{}, fmt.Errorf("%w: the value is not a URL: %s", ErrUnsupportedScheme, unsupportedSchemeHint)
		}
		return URL{}, fmt.Errorf("%w %q: %s", ErrUnsupportedScheme, scheme, unsupportedSchemeHint)
	}
	return u, nil
}

// parseSQLite follows SqliteConnectOptions::from_str: strip "sqlite://" then
// "sqlite:", split off "?params", percent-decode the path.
func parseSQLite(s string) (SQLiteOptions, error) {
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite://"), "sqlite:")
	path, params, _ := strings.Cut(rest, "?")
	o := SQLiteOptions{Mode: "rw"}
	if path == ":memory:" {
		o.Memory = true
	} else {
		p, err := url.PathUnescape(path)
		if err != nil {
			return o, fmt.Errorf("bad percent-encoding in path %q", path)
		}
		o.Path = p
	}
	q, err := url.ParseQuery(params)
	if err != nil {
		return o, fmt.Errorf("bad query string %q", params)
	}
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch key {
		case "mode":
			switch v {
			case "ro", "rw", "rwc":
				o.Mode = v
			case "memory":
				o.Mode, o.Memory = v, true
			default:
				return o, fmt.Errorf("unknown value %q for `mode` (use ro, rw, rwc or memory)", v)
			}
		case "cache":
			if v != "private" && v != "shared" {
				return o, fmt.Errorf("unknown value %q for `cache` (use private or shared)", v)
			}
			o.Cache = v
		case "immutable":
			switch v {
			case "true", "1":
				o.Immutable = true
			case "false", "0":
			default:
				return o, fmt.Errorf("unknown value %q for `immutable` (use true, 1, false or 0)", v)
			}
		case "vfs":
			o.VFS = v
		default:
			return o, fmt.Errorf("unknown query parameter `%s` while parsing connection URL (sqlx knows mode, cache, immutable and vfs)", key)
		}
	}
	if o.Memory {
		o.Path = ""
	} else if o.Path == "" {
		return o, errors.New("no database file named (e.g. sqlite:db.sqlite3, or sqlite::memory:)")
	}
	return o, nil
}
