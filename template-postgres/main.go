// Command notes counts the notes in DATABASE_URL's PostgreSQL database
// (postgres://…; in the Nix build and `nix develop`, a server on a unix
// socket that dbprep starts).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"
)

func connect(ctx context.Context) (*pgx.Conn, error) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return nil, fmt.Errorf("set DATABASE_URL=postgres://… (nix develop does it for you)")
	}
	return pgx.Connect(ctx, url)
}

func countNotes(ctx context.Context, conn *pgx.Conn) (n int64, err error) {
	err = conn.QueryRow(ctx, "SELECT count(*) FROM notes WHERE body <> $1", "").Scan(&n)
	return n, err
}

func main() {
	ctx := context.Background()
	conn, err := connect(ctx)
	if err == nil {
		defer conn.Close(ctx)
		var n int64
		if n, err = countNotes(ctx, conn); err == nil {
			fmt.Printf("notes: %d\n", n)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
