package sqlxcase

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

type User struct {
	ID     int64  `db:"id"`
	Email  string `db:"email"`
	Name   *string
	Active bool `db:"active"`
}

type Base struct {
	ID int64 `db:"id"`
}

type Post struct {
	Base
	Title string `db:"title"`
}

type Short struct {
	ID int64 `db:"id"`
}

func good(ctx context.Context, db *sqlx.DB, tx *sqlx.Tx, id int64, ids []int64) {
	var u User
	db.Get(&u, db.Rebind("SELECT id, email, name, active FROM users WHERE id = ?"), id)
	var posts []Post
	db.SelectContext(ctx, &posts, "SELECT id, title FROM posts WHERE user_id = $1", id)
	var ptrs []*Post
	tx.Select(&ptrs, tx.Rebind("SELECT id, title FROM posts WHERE title = '?' OR user_id = ?"), id)
	var n int
	sqlx.Get(db, &n, "SELECT count(*) FROM users")
	db.NamedExec("UPDATE users SET email = :email, name = :name WHERE id = :id", u)
	db.NamedExec("UPDATE users SET name = CAST(:name AS TEXT) WHERE id = :id", u)
	q, args, _ := sqlx.In("SELECT id FROM users WHERE id IN (?)", ids)
	q = db.Rebind(q)
	var got []int64
	db.Select(&got, q, args...)
	db.MustExec(sqlx.Rebind(sqlx.DOLLAR, "DELETE FROM posts WHERE id = ?"), id)
	row := db.QueryRowx("SELECT email FROM users WHERE id = $1", id)
	var email string
	row.Scan(&email)
	db.Exec("DELETE FROM posts") // database/sql's Exec, promoted
}

func bad(ctx context.Context, db *sqlx.DB, tx *sqlx.Tx, id int64, ids []int64) {
	var s Short
	db.Get(&s, "SELECT id, email FROM users WHERE id = $1", id) // want `Short has no field for column "email"`
	var n int
	db.Get(&n, "SELECT id, email FROM users")               // want `int takes one column, the query returns 2`
	db.NamedExec("UPDATE users SET emali = :email", User{}) // want `no such column: emali|column "emali" of relation "users" does not exist`
	q, args, _ := sqlx.In("SELECT id FROM userz WHERE id IN (?)", ids)
	var got []int64
	db.Select(&got, db.Rebind(q), args...) // want `no such table: userz|relation "userz" does not exist`
	var posts []Post
	db.Select(&posts, db.Rebind("SELECT id, title, user_id FROM posts WHERE id = ?"), id) // want `Post has no field for column "user_id"`
	db.Exec("DELETE FROM users WHERE id = $1 AND email = $2", id)                         // want `the query has 2 parameters but the call passes 1 argument`
}

// Handler is a service's own interface over *sqlx.DB and *sqlx.Tx: its
// methods have sqlx's shapes, and Rebind goes through it.
type Handler interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error)
	Rebind(query string) string
}

func viaInterface(ctx context.Context, h Handler, id int64) {
	var u User
	h.GetContext(ctx, &u, h.Rebind("SELECT id, email, name, active FROM users WHERE id = ?"), id)
	var s Short
	h.GetContext(ctx, &s, h.Rebind("SELECT id, email FROM users WHERE id = ?"), id) // want `Short has no field for column "email"`
	var posts []Post
	h.SelectContext(ctx, &posts, "SELECT id, titel FROM posts")   // want `no such column: titel|column "titel" does not exist`
	h.NamedExecContext(ctx, "UPDATE users SET emali = :email", u) // want `no such column: emali|column "emali" of relation "users" does not exist`
}
