// A program with a query against a column the migrations do not have:
// a build with `vet = true` must fail on it, naming this file and line.
package main

import (
	"database/sql"
	"fmt"
)

func main() {
	var db *sql.DB
	var color string
	if db != nil {
		db.QueryRow("SELECT favourite_colour FROM users WHERE favorite_song = $1", "x").Scan(&color)
	}
	fmt.Println(color)
}
