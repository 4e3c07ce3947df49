package twoengines

//dbprep:engine postgres

import "database/sql"

func pgQueries(db *sql.DB) {
	var now string
	db.QueryRow("SELECT now()::text").Scan(&now)
	db.Exec("INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email", 1, "a")
	db.Exec("SELECT nope FROM users") // want `column "nope" does not exist`
}
