package nulls

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
)

type Status string

// NullStatus holds NULL: it is an sql.Scanner.
type NullStatus struct{ S string }

func (n *NullStatus) Scan(src any) error { return nil }

func stdlib(db *sql.DB, id int64) {
	var name, email string
	var pname *string
	var nname sql.NullString
	var gname sql.Null[string]
	var anyName any
	var raw []byte
	var st Status
	var nst NullStatus
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&name)   // want `column "name" can be NULL \(users.name has no NOT NULL\), and Scan into \*string fails on NULL: scan into sql.NullString or \*string`
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&st)     // want `column "name" can be NULL .*Scan into \*Status fails on NULL: scan into sql.Null\[Status\] or \*Status`
	db.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&email) // NOT NULL
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&pname)
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&nname)
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&gname)
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&anyName)
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&raw)
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&nst)
	db.QueryRow("SELECT name FROM users WHERE name IS NOT NULL AND id = $1", id).Scan(&name) // filtered: not known
	db.QueryRow("SELECT coalesce(name, '') FROM users WHERE id = $1", id).Scan(&name)
	db.QueryRow("SELECT bio FROM users WHERE id = $1", id).Scan(&name) // a DEFAULT: only --null=strict

	var title string
	var n int64
	var when time.Time
	rows, _ := db.Query("SELECT u.email, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id")
	for rows.Next() {
		rows.Scan(&email, &title) // want `column "title" can be NULL \(it is from the LEFT JOIN on posts\)`
	}
	db.QueryRow("SELECT max(id) FROM posts").Scan(&n)         // want `column "max(\(id\))?" can be NULL \(max\(\) over no rows is NULL\), and Scan into \*int64 fails on NULL: scan into sql.NullInt64 or \*int64`
	db.QueryRow("SELECT count(*) FROM posts").Scan(&n)        // count is never NULL
	db.QueryRow("SELECT max(id) AS m FROM posts").Scan(&when) // want `column "m" can be NULL .*scan into sql.NullTime or \*time.Time`

	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&name) //dbprep:ignore null: checked by the caller
	//dbprep:ignore null
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&name)
	//dbprep:ignore a reason that names no check turns off every check
	db.QueryRow("SELECT name FROM nope WHERE id = $1", id).Scan(&name)
}

//dbprep:ignore null
func ignoredFunc(db *sql.DB, id int64) {
	var name string
	db.QueryRow("SELECT name FROM users WHERE id = $1", id).Scan(&name)
	db.QueryRow("SELECT name FROM nope WHERE id = $1", id).Scan(&name) // want `no such table: nope|relation "nope" does not exist`
}

func native(ctx context.Context, conn *pgx.Conn, id int64) {
	var name string
	conn.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&name) // want `column "name" can be NULL`
}

type User struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

type Profile struct {
	User
	Bio *string `db:"bio"`
}

func withSqlx(db *sqlx.DB, id int64) {
	var u User
	var users []User
	var ps []*Profile
	var name string
	var pname *string
	db.Get(&u, "SELECT id, name FROM users WHERE id = $1", id) // want `column "name" can be NULL \(users.name has no NOT NULL\), and field User.Name \(string\) cannot hold NULL: make it sql.NullString or \*string`
	db.Select(&users, "SELECT id, name FROM users")            // want `field User.Name \(string\) cannot hold NULL`
	db.Select(&ps, "SELECT id, name, bio FROM users")          // want `field Profile.User.Name \(string\) cannot hold NULL`
	db.Get(&name, "SELECT name FROM users WHERE id = $1", id)  // want `column "name" can be NULL .*the destination \(string\) cannot hold NULL`
	db.Get(&pname, "SELECT name FROM users WHERE id = $1", id)
}
