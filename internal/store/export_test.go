package store

import "database/sql"

// Conn is s's connection, for tests that inspect its settings.
func Conn(s *SQLite) *sql.Conn { return s.conn }
