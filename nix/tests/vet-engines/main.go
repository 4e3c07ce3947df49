// A program that keeps SQLite's queries and PostgreSQL's in one package:
// main.go's go to DATABASE_URL (SQLite), pg.go's to the PostgreSQL
// database the build also has.
package main

import (
	"database/sql"
	"fmt"
)

func main() {
	var db *sql.DB
	var n int64
	if db != nil {
		db.QueryRow("SELECT count(*) FROM users WHERE favorite_song = ?1 AND instr(favorite_song, 'x')", "x").Scan(&n)
		fmt.Println(now(db))
	}
	fmt.Println(n)
}
