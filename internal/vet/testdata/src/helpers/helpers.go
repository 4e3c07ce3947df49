// Package helpers passes rows and rows' scanning to functions of its own.
package helpers

import "database/sql"

func list(db *sql.DB) {
	rows, _ := db.Query("SELECT id, email FROM users")
	readUsers(rows)
	row := db.QueryRow("SELECT name FROM users WHERE id = $1", 1)
	scanName(row)
	var s store
	s.readOne(db.QueryRow("SELECT id FROM users WHERE id = $1", 2))
}

func readUsers(rows *sql.Rows) {
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id) // want `Scan has 1 destination for 2 columns`
	}
}

func scanName(row *sql.Row) {
	var name string
	row.Scan(&name) // want `column "name" can be NULL`
}

type store struct{}

func (store) readOne(row *sql.Row) {
	var id, extra int64
	row.Scan(&id, &extra) // want `Scan has 2 destinations for 1 column`
}

// scanner is what a helper takes to scan a *sql.Row or a *sql.Rows alike.
type scanner interface {
	Scan(dest ...any) error
}

func viaInterface(db *sql.DB) {
	scanUser(db.QueryRow("SELECT id, name FROM users WHERE id = $1", 1))
	rows, _ := db.Query("SELECT id FROM users")
	defer rows.Close()
	for rows.Next() {
		scanID(rows)
	}
}

func scanUser(s scanner) {
	var id int64
	var name string
	s.Scan(&id, &name) // want `column "name" can be NULL`
}

func scanID(s scanner) {
	var a, b int64
	s.Scan(&a, &b) // want `Scan has 2 destinations for 1 column`
}
