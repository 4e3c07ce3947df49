// A program with a good query (see ../b/integration.go for the bad one).
package main

import (
	"database/sql"
	"fmt"
)

func main() {
	var db *sql.DB
	var n int64
	if db != nil {
		db.QueryRow("SELECT count(*) FROM users WHERE favorite_song = $1", "x").Scan(&n)
	}
	fmt.Println(n)
}
