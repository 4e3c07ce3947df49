package consts

import (
	"database/sql"
	"fmt"
)

const usersTable = "users"

const byID = "SELECT email FROM " + usersTable + " WHERE id = $1"

var listQuery = `SELECT id, email FROM users ORDER BY id`

var brokenQuery = "SELECT emial FROM users" // a package variable never reassigned

var reassigned = "SELECT id FROM users"

func init() { reassigned = "SELECT nothing FROM users" + suffix() }

func suffix() string { return "" }

func folded(db *sql.DB, admin bool, id int64) {
	var email string
	db.QueryRow(byID, id).Scan(&email)
	db.Query(listQuery)
	db.Query(brokenQuery) // want `no such column: emial|column "emial" does not exist`
	db.Query(reassigned)  // not constant: skipped

	query := "SELECT email FROM users WHERE id = $1"
	if admin {
		query = "SELECT email FROM admins WHERE id = $1"
	}
	db.QueryRow(query, id).Scan(&email) // want `no such table: admins|relation "admins" does not exist`

	var q string
	switch {
	case admin:
		q = "SELECT id FROM users WHERE active"
	default:
		q = "SELECT id FROM posts WHERE titel = 'x'"
	}
	db.Query(q) // want `no such column: titel|column "titel" does not exist`

	where := " WHERE id = $1"
	captured := "SELECT email FROM users" + where
	func() {
		db.QueryRow(captured).Scan(&email) // want `the query has 1 parameter but the call passes 0 arguments`
	}()
}

const postsTable = "posts"

// fmt.Sprintf with a known format and known arguments is folded.
func sprintfFolded(db *sql.DB, admin bool) {
	db.Query(fmt.Sprintf("SELECT id FROM %s WHERE titel = 'x'", postsTable)) // want `no such column: titel|column "titel" does not exist`
	db.Query(fmt.Sprintf("SELECT id FROM %s LIMIT %d", usersTable, 10))
	table := "users"
	if admin {
		table = "admins"
	}
	db.Query(fmt.Sprintf("SELECT id FROM %s", table))    // want `no such table: admins|relation "admins" does not exist`
	db.Query(fmt.Sprintf("SELECT id FROM %s", suffix())) // not known: skipped
}
