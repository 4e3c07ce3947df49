package consts

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
)

const usersTable = "users"

const byID = "SELECT email FROM " + usersTable + " WHERE id = $1"

var listQuery = `SELECT id, email FROM users ORDER BY id`

var brokenQuery = "SELECT emial FROM users" // a package variable never reassigned

var reassigned = "SELECT id FROM users"

func init() { reassigned = "SELECT nothing FROM users" + suffix() }

// suffix is known at run time only.
func suffix() string { return os.Getenv("SUFFIX") }

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

// A helper of the package that builds a query from constants, and a
// package variable set once from fmt.Sprintf over strings.Join of a
// constant slice, are folded (issue: services build queries so).
func userColumns() string { return strings.Join([]string{"id", "emial"}, ", ") }

var postColumns = []string{"id", "titel"}

var postsQuery = fmt.Sprintf("SELECT %s FROM posts", strings.Join(postColumns, ", "))

var listColumns = []string{"id"}

func init() { listColumns[0] = suffix() } // an element written: not constant

func helperBuilt(db *sql.DB, admin bool) {
	db.Query("SELECT " + userColumns() + " FROM users")                   // want `no such column: emial|column "emial" does not exist`
	db.Query(postsQuery)                                                  // want `no such column: titel|column "titel" does not exist`
	db.Query("SELECT " + strings.Join(listColumns, ", ") + " FROM users") // not known: skipped
	order := "id"
	if admin {
		order = "emial"
	}
	db.Query("SELECT id FROM users ORDER BY " + order) // want `no such column: emial|column "emial" does not exist`
}
