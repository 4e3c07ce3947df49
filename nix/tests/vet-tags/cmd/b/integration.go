//go:build integration

package main

import "database/sql"

func count(db *sql.DB) (n int64) {
	db.QueryRow("SELECT count(*) FROM userz").Scan(&n)
	return n
}
