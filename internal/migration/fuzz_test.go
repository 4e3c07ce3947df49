package migration

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"1_x.sql", "20211209212234_first.sql", "1_x.up.sql", "1_x.down.sql", "seed_data.sql", "+1_x.sql", "-_x.sql", "1_x.sql.sql", "README.md"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n, ok, err := ParseName(name)
		if err != nil {
			if ok || !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) || !strings.HasSuffix(name, ".sql") || !strings.Contains(name, "_") {
				t.Fatalf("error %v for %q (ok=%v)", err, name, ok)
			}
			return
		}
		if !ok {
			return
		}
		if !strings.HasSuffix(name, ".sql") || !strings.Contains(name, "_") || strings.Contains(n.Description, "_") {
			t.Fatalf("accepted %q as %+v", name, n)
		}
		if strings.HasSuffix(n.Description, n.Type.Suffix()) {
			t.Fatalf("description %q keeps the suffix", n.Description)
		}
	})
}

func FuzzNoTransaction(f *testing.F) {
	for _, s := range []string{"-- no-transaction\nVACUUM;", "-- no-transactio", "\uFEFF-- no-transaction", " -- no-transaction", "SELECT 1;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		want := len(sql) >= 17 && sql[:17] == "-- no-transaction"
		if HasNoTransaction(sql) != want {
			t.Fatalf("HasNoTransaction(%q) = %v", sql, !want)
		}
		ms, err := Resolve(fstest.MapFS{"m/1_x.sql": {Data: []byte(sql)}}, "m", Options{})
		if err != nil {
			if strings.ContainsRune(sql, 0) || !isUTF8(sql) {
				return
			}
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].NoTx != want || !bytes.Equal(ms[0].Checksum, Checksum(sql, nil)) {
			t.Fatalf("resolved %+v", ms)
		}
		if got, err := ms[0].Load(); err != nil || got != sql {
			t.Fatalf("Load: %q, %v", got, err)
		}
	})
}

func isUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
