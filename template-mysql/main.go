// Command notes counts the notes in DATABASE_URL's MySQL or MariaDB
// database (mysql://user@host/db, as sqlx writes it; in the Nix build and
// `nix develop`, a server on a unix socket that dbprep starts, named by
// ?socket=).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// connect opens DATABASE_URL, sqlx's mysql:// form, with go-sql-driver.
func connect() (*sql.DB, error) {
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		return nil, fmt.Errorf("set DATABASE_URL=mysql://… (nix develop does it for you)")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "mysql" && u.Scheme != "mariadb") {
		return nil, fmt.Errorf("DATABASE_URL is not a mysql:// URL")
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if socket := u.Query().Get("socket"); socket != "" {
		cfg.Net, cfg.Addr = "unix", socket
	} else {
		cfg.Net, cfg.Addr = "tcp", u.Host
		if u.Port() == "" {
			cfg.Addr += ":3306"
		}
	}
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

func countNotes(ctx context.Context, db *sql.DB) (n int64, err error) {
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM notes WHERE body <> ?", "").Scan(&n)
	return n, err
}

func main() {
	ctx := context.Background()
	db, err := connect()
	if err == nil {
		defer db.Close()
		var n int64
		if n, err = countNotes(ctx, db); err == nil {
			fmt.Printf("notes: %d\n", n)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
