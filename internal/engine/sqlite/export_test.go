package sqlite

import "database/sql"

// Conn is s's connection, for tests that inspect its settings.
func Conn(s *Store) *sql.Conn { return s.conn }

// PieceEnd is where execScript ends a large script's first piece.
var PieceEnd = pieceEnd

// ScriptPiece is the size above which a script runs in pieces.
const ScriptPiece = scriptPiece
