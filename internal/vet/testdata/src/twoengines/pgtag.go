//go:build postgres && !windows

package twoengines

import "database/sql"

func taggedQueries(db *sql.DB) {
	var n string
	db.QueryRow("SELECT pg_typeof(1)::text").Scan(&n)
	db.Exec("SELECT nope2 FROM users") // want `column "nope2" does not exist`
}
