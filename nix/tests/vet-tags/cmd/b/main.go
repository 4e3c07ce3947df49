// The second of two subPackages: a good query here, a bad one in a file
// only the second of two build tags compiles (integration.go), so only a
// vet over every subPackage with every tag finds it.
package main

import (
	"database/sql"
	"fmt"
)

func main() {
	var db *sql.DB
	var n int64
	if db != nil {
		db.QueryRow("SELECT count(*) FROM users").Scan(&n)
	}
	fmt.Println(n)
}
