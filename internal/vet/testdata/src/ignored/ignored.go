//dbprep:ignore this file's queries run against an older schema
package ignored

import "database/sql"

func legacy(db *sql.DB) {
	db.Exec("ALTER TABLE old_users RENAME TO users")
}
