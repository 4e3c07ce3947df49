package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// scriptPiece is the size above which a migration's script is run in
// pieces of about this size.
const scriptPiece = 1 << 20

// execScript runs a migration's script on conn as one ExecContext
// would — SQLite runs a script a statement at a time, in order — but a
// large one in pieces that each end where a statement ends, so that the
// driver's copy of the text in C memory (modernc copies all of it to run
// it) is one piece, not the whole file. A piece ends only where SQLite's
// own sqlite3_complete says a statement ends (string literals, comments and
// CREATE TRIGGER … END bodies included); where it cannot find one, the rest
// runs as one piece. The transaction around the script is the caller's.
func execScript(ctx context.Context, conn *sql.Conn, script string) error {
	for len(script) > scriptPiece {
		end := pieceEnd(script)
		if end == len(script) {
			break
		}
		if _, err := conn.ExecContext(ctx, script[:end]); err != nil {
			return err
		}
		script = script[end:]
	}
	_, err := conn.ExecContext(ctx, script)
	return err
}

// pieceEnd is where the first piece of script ends: just after the first
// ";\n" past scriptPiece bytes whose text up to there is complete
// statements, else len(script). After a candidate that is not (a ";\n"
// inside a string or a trigger body) the next must lie a quarter further
// on, so that the checks read the text a few times over at worst.
func pieceEnd(script string) int {
	tls := libc.NewTLS()
	defer tls.Close()
	want := scriptPiece
	for from := scriptPiece; from < len(script); {
		i := strings.Index(script[from:], ";\n")
		if i < 0 {
			break
		}
		end := from + i + 2
		if end >= want && complete(tls, script[:end]) {
			return end
		}
		if end >= want {
			want = end + end/4
		}
		from = end
	}
	return len(script)
}

// complete is sqlite3_complete: whether sql ends with a complete statement.
func complete(tls *libc.TLS, sql string) bool {
	p, err := libc.CString(sql)
	if err != nil {
		return false
	}
	defer libc.Xfree(tls, p)
	return sqlite3.Xsqlite3_complete(tls, p) != 0
}
