package ignored

import "database/sql"

func lines(db *sql.DB) {
	db.Exec("DROP TABLE nope") //dbprep:ignore the test creates it first
	//dbprep:ignore
	db.Exec("DROP TABLE nope2")
	db.Exec("DELETE FROM nope3") // want `no such table: nope3|relation "nope3" does not exist`
}

// migrateV1 runs against the schema of version 1.
//
//dbprep:ignore Go-coded migration
func migrateV1(db *sql.DB) {
	db.Exec("UPDATE accounts SET x = 1")
}
