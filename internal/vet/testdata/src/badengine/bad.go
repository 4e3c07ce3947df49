//go:build postgres

// Package badengine declares two engines in one file.
package badengine // want `the file declares two engines: sqlite \(//dbprep:engine sqlite\) and postgres`

//dbprep:engine sqlite
//dbprep:engine postgres

import "database/sql"

func q(db *sql.DB) { db.Exec("SELECT 1") }
