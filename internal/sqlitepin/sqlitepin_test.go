package sqlitepin

import (
	"database/sql"
	"strconv"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func query(t *testing.T, vfs, q string) string {
	t.Helper()
	dsn := "file::memory:"
	if vfs != "" {
		dsn += "?vfs=" + vfs
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

const clocks = `SELECT CURRENT_TIMESTAMP || '|' || CURRENT_DATE || '|' || CURRENT_TIME || '|' || datetime('now') || '|' ||
	date('now') || '|' || julianday('now') || '|' || unixepoch() || '|' || strftime('%s', 'now') || '|' ||
	datetime('now', 'localtime') || '|' || datetime('2000-01-01 12:00:00', 'utc')`

// Every clock form reads the pinned instant; random() and randomblob()
// repeat from session to session; outside a session all is real again.
func TestPinned(t *testing.T) {
	t.Setenv("TZ", "Asia/Kolkata")
	const epoch = 1700000000 // 2023-11-14 22:13:20 UTC
	const want = "2023-11-14 22:13:20|2023-11-14|22:13:20|2023-11-14 22:13:20|2023-11-14|2460263.4259259258|1700000000|1700000000|2023-11-14 22:13:20|2000-01-01 12:00:00"
	var randoms []string
	for range 2 {
		end, err := Begin(epoch)
		if err != nil {
			t.Fatal(err)
		}
		if got := query(t, VFS, clocks); got != want {
			t.Errorf("pinned clocks:\n got %s\nwant %s", got, want)
		}
		randoms = append(randoms, query(t, VFS, "SELECT random() || hex(randomblob(16)) || random()"))
		end()
	}
	if randoms[0] != randoms[1] {
		t.Errorf("random() differs between sessions: %s vs %s", randoms[0], randoms[1])
	}
	if now := query(t, "", "SELECT unixepoch()"); now == "1700000000" {
		t.Error("the clock stays pinned after the session")
	}
	if r := query(t, "", "SELECT random() || hex(randomblob(16)) || random()"); r == randoms[0] {
		t.Error("randomness stays seeded after the session")
	}
	real, _ := strconv.ParseInt(query(t, "", "SELECT unixepoch()"), 10, 64)
	if d := time.Now().Unix() - real; d < -5 || d > 5 {
		t.Errorf("real clock after the session: %d", real)
	}
	// The time zone is Kolkata's (+05:30) again, so the pinned 'localtime'
	// above was not UTC by chance.
	if lt := query(t, "", "SELECT datetime('2023-11-14 22:13:20', 'localtime')"); lt != "2023-11-15 03:43:20" {
		t.Errorf("localtime after the session: %s", lt)
	}
}
