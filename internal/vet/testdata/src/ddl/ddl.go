// Package ddl has a Go-coded migration: DDL written for the schema it ran
// against, which the prepared (final) schema need not match.
package ddl

import "database/sql"

// migrateV2 is checked for its DDL's syntax only; a query of its that the
// schema rejects says how to mark the function.
func migrateV2(db *sql.DB) {
	db.Exec("CREATE INDEX users_email ON users (email)")
	db.Exec("CREATE TABLE users (id BIGINT PRIMARY KEY)")    // exists now: not reported
	db.Exec("ALTER TABLE old_users ADD COLUMN nick TEXT")    // gone now: not reported
	db.Exec("INSERT INTO old_users (nick) VALUES ('a')")     // want `(no such table: old_users|relation "old_users" does not exist).*this function also changes the schema: if it is a migration that runs against an older schema, put //dbprep:ignore in its doc comment`
	db.Exec("CREATE TABLE t (id BIGINT")                     // want `incomplete input|syntax error`
	db.Exec("DROP TABLE old_users; CREATE TABLE x (id INT)") // the first is gone now: the script is not checked further
}

func notAMigration(db *sql.DB) {
	db.Exec("INSERT INTO old_users (nick) VALUES ('a')") // want `(no such table: old_users|relation "old_users" does not exist) \(query "[^"]*"\)$`
}
