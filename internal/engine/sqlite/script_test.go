package sqlite_test

import (
	"fmt"
	"github.com/dbprep/dbprep/internal/engine/sqlite"
	"strings"
	"testing"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// bigScript is a migration a few pieces long whose ";\n"s are not all
// statement ends: a string literal holding many straddles the first
// piece's end, and a trigger body follows.
func bigScript() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE t (n INTEGER, s TEXT);\nCREATE TABLE log (n INTEGER);\n")
	b.WriteString("CREATE TRIGGER tr AFTER INSERT ON t WHEN new.n % 1000 = 0 BEGIN\n")
	for range 100 {
		b.WriteString("  INSERT INTO log VALUES (new.n);\n")
	}
	b.WriteString("END;\n")
	row := func(i int) { fmt.Fprintf(&b, "INSERT INTO t VALUES (%d, '%s');\n", i, strings.Repeat("x", 100)) }
	i := 1
	for b.Len() < sqlite.ScriptPiece-2000 {
		row(i)
		i++
	}
	fmt.Fprintf(&b, "INSERT INTO t VALUES (-1, '%s');\n", strings.Repeat("x;\n", 2000))
	for b.Len() < 3*sqlite.ScriptPiece {
		row(i)
		i++
	}
	b.WriteString("-- a comment at the end\n")
	return b.String()
}

// A trigger body straddling where a piece would end is not cut.
func TestSQLitePieceEndTrigger(t *testing.T) {
	var b strings.Builder
	for b.Len() < sqlite.ScriptPiece-1000 {
		b.WriteString("INSERT INTO t VALUES (1);\n")
	}
	b.WriteString("CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n")
	for range 200 {
		b.WriteString("  INSERT INTO log VALUES (new.n);\n")
	}
	b.WriteString("END;\n")
	after := b.Len()
	for b.Len() < 2*sqlite.ScriptPiece {
		b.WriteString("INSERT INTO t VALUES (1);\n")
	}
	if end := sqlite.PieceEnd(b.String()); end < after || end > after+sqlite.ScriptPiece/2 {
		t.Errorf("PieceEnd = %d: want just past the trigger's END (%d)", end, after)
	}
}

// A script over ScriptPiece runs in pieces that end only at statement
// ends, and leaves what one exec of the whole would.
func TestSQLiteScriptInPieces(t *testing.T) {
	script := bigScript()
	var ends []int
	for rest, at := script, 0; ; {
		end := sqlite.PieceEnd(rest)
		at += end
		ends = append(ends, at)
		if end == len(rest) || len(rest) <= sqlite.ScriptPiece {
			break
		}
		rest = rest[end:]
	}
	if len(ends) < 3 {
		t.Fatalf("pieces end at %v: want at least 3 pieces", ends)
	}
	for _, e := range ends[:len(ends)-1] {
		before := script[:e]
		if strings.Count(before, "'")%2 != 0 {
			t.Fatalf("a piece ends at %d, inside a literal", e)
		}
	}

	m := migration.Migration{Name: migration.Name{Version: 1, Description: "big", Type: migration.Simple}, File: "1_big.sql", SQL: script}
	m.Checksum = migration.Checksum(script, nil)
	st := openSQLite(t, dburl.SQLiteOptions{Path: t.TempDir() + "/db.sqlite3", Mode: "rwc"}, store.Options{})
	if err := st.EnsureLedger(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, &m, nil); err != nil {
		t.Fatal(err)
	}
	var rows, logged, literal int
	conn := sqlite.Conn(st)
	conn.QueryRowContext(ctx, "SELECT count(*), (SELECT count(*) FROM log), (SELECT length(s) FROM t WHERE n = -1) FROM t").Scan(&rows, &logged, &literal)
	wantRows := strings.Count(script, "INSERT INTO t VALUES")
	wantLogged := 100 * ((wantRows - 1) / 1000) // every thousandth n; n = -1 is not
	if rows != wantRows || logged != wantLogged || literal != 3*2000 {
		t.Errorf("rows %d (want %d), logged %d (want %d), literal %d bytes (want %d)", rows, wantRows, logged, wantLogged, literal, 3*2000)
	}
}

// A failing statement in a later piece rolls back every piece: the
// migration is still one transaction.
func TestSQLiteScriptInPiecesAtomic(t *testing.T) {
	script := bigScript() + "INSERT INTO missing VALUES (1);\n"
	m := migration.Migration{Name: migration.Name{Version: 1, Description: "big", Type: migration.Simple}, File: "1_big.sql", SQL: script}
	m.Checksum = migration.Checksum(script, nil)
	st := openSQLite(t, dburl.SQLiteOptions{Path: t.TempDir() + "/db.sqlite3", Mode: "rwc"}, store.Options{})
	if err := st.EnsureLedger(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, &m, nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Apply: %v, want the missing table's error", err)
	}
	var n int
	if err := sqlite.Conn(st).QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 't'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table t after a failed migration: %d, %v", n, err)
	}
}

// Where no statement ends past ScriptPiece, the script is one piece.
func TestSQLiteScriptNoEnd(t *testing.T) {
	script := "INSERT INTO t VALUES ('" + strings.Repeat("a;\n", sqlite.ScriptPiece) + "');\n"
	if end := sqlite.PieceEnd(script); end != len(script) {
		t.Errorf("PieceEnd = %d, want the whole script (%d)", end, len(script))
	}
}
