package pgxcase

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func good(ctx context.Context, conn *pgx.Conn, pool *pgxpool.Pool, tx pgx.Tx, id int64) {
	var email string
	conn.QueryRow(ctx, "SELECT email FROM users WHERE id = $1", id).Scan(&email)
	pool.Exec(ctx, "DELETE FROM posts WHERE user_id = $1", id)
	tx.Exec(ctx, "UPDATE users SET active = $1 WHERE id = $2", true, id)
	conn.Prepare(ctx, "by-email", "SELECT id FROM users WHERE email = $1")
	conn.Exec(ctx, "UPDATE users SET name = @name WHERE id = @id", pgx.NamedArgs{"name": "x", "id": id})
	conn.Exec(ctx, "DELETE FROM users WHERE id = $1", pgx.QueryExecModeSimpleProtocol, id)
	b := &pgx.Batch{}
	b.Queue("INSERT INTO posts (id, user_id, title) VALUES ($1, $2, $3)", 1, id, "t")
	rows, _ := pool.Query(ctx, "SELECT id, title FROM posts")
	for rows.Next() {
		var pid int64
		var title string
		rows.Scan(&pid, &title)
	}
}

func bad(ctx context.Context, conn *pgx.Conn, pool *pgxpool.Pool, tx pgx.Tx, id int64) {
	var email string
	conn.QueryRow(ctx, "SELECT email FROM user_accounts WHERE id = $1", id).Scan(&email) // want `no such table: user_accounts|relation "user_accounts" does not exist`
	tx.QueryRow(ctx, "SELECT email, name FROM users WHERE id = $1", id).Scan(&email)     // want `Scan has 1 destination for 2 columns`
	pool.Exec(ctx, "UPDATE users SET name = $1", "a", "b")                               // want `the query has 1 parameter but the call passes 2 arguments`
	tx.Prepare(ctx, "x", "SELECT FROM WHERE")                                            // want `syntax error`
	conn.Exec(ctx, "UPDATE users SET nme = @name", pgx.NamedArgs{"name": "x"})           // want `no such column: nme|column "nme" of relation "users" does not exist`
	b := &pgx.Batch{}
	b.Queue("INSERT INTO posts (id, user_id) VALUES ($1, $2, $3)", 1, id, "t") // want `3 values for 2 columns|INSERT has more expressions than target columns`
}
