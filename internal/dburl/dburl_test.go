package dburl

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/engine"
)

func TestParseSQLite(t *testing.T) {
	tests := []struct {
		in   string
		want SQLiteOptions
	}{
		{"sqlite:data.db", SQLiteOptions{Path: "data.db", Mode: "rw"}},
		{"sqlite://data.db", SQLiteOptions{Path: "data.db", Mode: "rw"}},
		{"sqlite:./db.sqlite3", SQLiteOptions{Path: "./db.sqlite3", Mode: "rw"}},
		{"sqlite:///abs/x.db", SQLiteOptions{Path: "/abs/x.db", Mode: "rw"}},
		{"sqlite:/abs/x.db", SQLiteOptions{Path: "/abs/x.db", Mode: "rw"}},
		{"sqlite:my%20db.sqlite", SQLiteOptions{Path: "my db.sqlite", Mode: "rw"}},
		{"sqlite::memory:", SQLiteOptions{Memory: true, Mode: "rw"}},
		{"sqlite://:memory:", SQLiteOptions{Memory: true, Mode: "rw"}},
		{"sqlite://?mode=memory", SQLiteOptions{Memory: true, Mode: "memory"}},
		{"sqlite:x.db?mode=rwc", SQLiteOptions{Path: "x.db", Mode: "rwc"}},
		{"sqlite:x.db?mode=ro&immutable=true", SQLiteOptions{Path: "x.db", Mode: "ro", Immutable: true}},
		{"sqlite:x.db?immutable=0&cache=shared&vfs=unix-dotfile", SQLiteOptions{Path: "x.db", Mode: "rw", Cache: "shared", VFS: "unix-dotfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if u.Engine != engine.SQLite || u.SQLite != tt.want {
				t.Errorf("got %v %+v, want %+v", u.Engine, u.SQLite, tt.want)
			}
		})
	}
}

func TestParsePostgres(t *testing.T) {
	for _, in := range []string{
		"postgres://localhost/app",
		"postgresql://user:pw@localhost:5432/app?sslmode=disable",
		"postgres:///app?host=/var/run/postgresql",
	} {
		u, err := Parse(in)
		if err != nil || u.Engine != engine.Postgres {
			t.Errorf("Parse(%q) = %v, %v", in, u.Engine, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sqlite:x.db?mode=rwx", "unknown value \"rwx\" for `mode`"},
		{"sqlite:x.db?cache=big", "`cache`"},
		{"sqlite:x.db?immutable=yes", "`immutable`"},
		{"sqlite:x.db?journal=wal", "unknown query parameter `journal`"},
		{"sqlite:", "no database file"},
		{"sqlite://", "no database file"},
		{"sqlite:bad%zz.db", "percent-encoding"},
		{"oracle://root:hunter2@localhost/app", "unsupported database URL scheme \"oracle\""},
		{"mysql://root:hunter2@localhost:port/app", "invalid database URL"},
		{"mysql://root:hunter2@localhost/app?sslmode=sometimes", "unknown value for sslmode"},
		{"db.sqlite3", "unsupported database URL scheme"},
		{"", "unsupported database URL scheme"},
		{"postgres://user:hunter2@host:port/app", "invalid database URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
	_, err := Parse("oracle://x")
	if !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("want ErrUnsupportedScheme, got %v", err)
	}
}

// Scrub masks the exact values dbprep passed, as whole tokens, and leaves
// every other word as it is.
func TestScrub(t *testing.T) {
	tests := []struct{ raw, msg, want string }{
		{"postgres://bob:hunter2@localhost/app", `password authentication failed: hunter2`, `password authentication failed: xxxxx`},
		{"postgres://app:p@ss9Q@127.0.0.1:1/db", `lookup app: user "app" p@ss9Q`, `lookup app: user "app" xxxxx`},
		{"postgres://app:p@h/db", `lookup p: dbprep password "p" (p)`, `lookup xxxxx: dbprep password "xxxxx" (xxxxx)`},
		{"postgres://bob:p%40ss%2Fword@db/app", "failed for p@ss/word and p%40ss%2Fword", "failed for xxxxx and xxxxx"},
		{"postgres://db/app?user=bob&password=s3cret&sslmode=require", "s3cret! s3crets", "xxxxx! s3crets"},
		{"postgres://db/app?password=Qz7Kx&Wv3Lm", `invalid "Qz7Kx&Wv3Lm"`, `invalid "xxxxx"`},
		{"postgres://db/app?sslpassword=k3y", "bad key k3y", "bad key xxxxx"},
		{"sqlite:db.sqlite3", "no such table: db", "no such table: db"},
		// A short password that also stands in the host or port stays there.
		{"postgres://u:0@127.0.0.1:1/db", "dial tcp 127.0.0.1:1: password 0", "dial tcp 127.0.0.1:1: password xxxxx"},
		{"postgres://u@127.0.0.1:1/db?password=1", "on 127.0.0.1:1: 1 refused", "on 127.0.0.1:1: xxxxx refused"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := Scrub(tt.msg, tt.raw); got != tt.want {
				t.Errorf("Scrub(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

// A URL dbprep prints is rendered from its parts, the password masked.
func TestStringMasks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://bob:hunter2@localhost/app", "postgres://bob:xxxxx@localhost/app"},
		{"postgres://bob@localhost/app", "postgres://bob@localhost/app"},
		{"postgres://bob:p@ss/w:rd@db:5432/app?sslmode=disable", ""},
		{"postgres://bob:p%40ss@db/app", "postgres://bob:xxxxx@db/app"},
		{"postgres://db/app?user=bob&password=s3cret&sslmode=require", "postgres://bob:xxxxx@db/app?sslmode=require"},
		{"postgres://db/app?sslpassword=k3y", "postgres://db/app?sslpassword=xxxxx"},
		{"sqlite:db.sqlite3", "sqlite:db.sqlite3"},
		{"sqlite:my%20db?mode=rwc", "sqlite:my db?mode=rwc"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Parse(%q) succeeded", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
