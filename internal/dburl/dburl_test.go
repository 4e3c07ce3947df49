package dburl

import (
	"errors"
	"strings"
	"testing"
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
			if u.Kind != SQLite || u.SQLite != tt.want {
				t.Errorf("got %v %+v, want %+v", u.Kind, u.SQLite, tt.want)
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
		if err != nil || u.Kind != Postgres {
			t.Errorf("Parse(%q) = %v, %v", in, u.Kind, err)
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
		{"mysql://root:hunter2@localhost/app", "unsupported database URL scheme \"mysql\""},
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
	_, err := Parse("mysql://x")
	if !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("want ErrUnsupportedScheme, got %v", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want, secret string }{
		{"postgres://bob:hunter2@localhost/app", "postgres://bob:xxxxx@localhost/app", "hunter2"},
		{"postgres://bob@localhost/app", "postgres://bob@localhost/app", ""},
		{"postgres://bob:p@ss/w:rd@db:5432/app?sslmode=disable", "postgres://bob:xxxxx@db:5432/app?sslmode=disable", "p@ss/w:rd"},
		{"postgres://bob:p%40ss@db/app", "postgres://bob:xxxxx@db/app", "p%40ss"},
		{"postgres://db/app?user=bob&password=s3cret&sslmode=require", "postgres://db/app?user=bob&password=xxxxx&sslmode=require", "s3cret"},
		{"postgres://db/app?sslpassword=k3y", "postgres://db/app?sslpassword=xxxxx", "k3y"},
		{"host=db user=bob password=s3cret dbname=app", "host=db user=bob password=xxxxx dbname=app", "s3cret"},
		{"host=db password='s3 cret' dbname=app", "host=db password=xxxxx dbname=app", "s3 cret"},
		{"postgres://bob:hunter2@host:port/app", "postgres://bob:xxxxx@host:port/app", "hunter2"},
		{"sqlite:db.sqlite3", "sqlite:db.sqlite3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact = %q, want %q", got, tt.want)
			}
			if tt.secret != "" {
				msg := "failed: " + tt.in + " and again " + tt.secret
				if got := Scrub(msg, tt.in); strings.Contains(got, tt.secret) {
					t.Errorf("Scrub left the secret in %q", got)
				}
			}
		})
	}
}

func TestScrubDecodedForm(t *testing.T) {
	raw := "postgres://bob:p%40ss%2Fword@db/app"
	got := Scrub("password authentication failed for p@ss/word", raw)
	if strings.Contains(got, "p@ss/word") {
		t.Errorf("the decoded password must be scrubbed too: %q", got)
	}
}
