package dburl

import (
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/engine"
)

// sqlx's MySqlConnectOptions::parse_from_url: the WHATWG authority (the
// userinfo ends at the last '@'), percent-decoded parts, socket= over the
// host, root and 3306 by default, unknown parameters ignored.
func TestParseMySQL(t *testing.T) {
	tests := []struct {
		in      string
		want    MySQLOptions
		network string
		addr    string
		str     string
	}{
		{"mysql://localhost/app", MySQLOptions{Scheme: "mysql", Host: "localhost", Database: "app"}, "tcp", "localhost:3306", "mysql://localhost/app"},
		{"mariadb://bob:s3cr%40t@db.example:3307/my%20app", MySQLOptions{Scheme: "mariadb", Host: "db.example", Port: 3307, User: "bob", Password: "s3cr@t", HasPassword: true, Database: "my app"},
			"tcp", "db.example:3307", "mariadb://bob:xxxxx@db.example:3307/my%20app"},
		// The userinfo ends at the last '@': a password may hold one.
		{"mysql://bob:p@ss@host/app", MySQLOptions{Scheme: "mysql", Host: "host", User: "bob", Password: "p@ss", HasPassword: true, Database: "app"}, "tcp", "host:3306", "mysql://bob:xxxxx@host/app"},
		// socket= wins over the host; the database may be empty.
		{"mysql://root@localhost/?socket=/run/mysqld/mysqld.sock", MySQLOptions{Scheme: "mysql", Host: "localhost", User: "root", Socket: "/run/mysqld/mysqld.sock"},
			"unix", "/run/mysqld/mysqld.sock", "mysql://root@localhost/?socket=%2Frun%2Fmysqld%2Fmysqld.sock"},
		{"MySQL://[::1]:3306/app?ssl-mode=REQUIRED&foo=bar", MySQLOptions{Scheme: "mysql", Host: "::1", Port: 3306, Database: "app", SSLMode: "required", Ignored: []string{"foo"}},
			"tcp", "[::1]:3306", "mysql://[::1]:3306/app?sslmode=required"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if u.Engine != engine.MySQL {
				t.Fatalf("engine %v", u.Engine)
			}
			got := u.MySQL
			want := tt.want
			if want.SSLMode == "" {
				want.SSLMode = "preferred"
			}
			want.Charset, want.TimeZone = "utf8mb4", "+00:00"
			if got.Scheme != want.Scheme || got.Host != want.Host || got.Port != want.Port || got.User != want.User || got.Password != want.Password ||
				got.HasPassword != want.HasPassword || got.Database != want.Database || got.Socket != want.Socket || got.SSLMode != want.SSLMode ||
				strings.Join(got.Ignored, ",") != strings.Join(want.Ignored, ",") {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			if n, a := got.Addr(); n != tt.network || a != tt.addr {
				t.Errorf("Addr = %s %s, want %s %s", n, a, tt.network, tt.addr)
			}
			if s := u.String(); s != tt.str {
				t.Errorf("String = %s, want %s", s, tt.str)
			}
			if got.Password != "" && strings.Contains(u.String(), got.Password) {
				t.Errorf("String shows the password: %s", u.String())
			}
		})
	}
	u, _ := Parse("mysql://x@h/db")
	if u.MySQL.UserOrDefault() != "x" {
		t.Error("UserOrDefault")
	}
	u, _ = Parse("mysql://h/db")
	if u.MySQL.UserOrDefault() != "root" {
		t.Error("sqlx's default user is root")
	}
	// A password is among the secrets Scrub masks.
	if got := Scrub("Access denied for user 'bob' (using password: p@ss)", "mysql://bob:p@ss@host/app"); strings.Contains(got, "p@ss") {
		t.Errorf("Scrub: %s", got)
	}
}
