package migration

import (
	"encoding/hex"
	"testing"
)

// Vectors from docs/sqlx-compat.md §2.
func TestChecksumVectors(t *testing.T) {
	const v1 = "67c34fd971c6c3da58564fa6031817bbf7002853bcb55e36bba59fa32ea8bf796f8f2df449723b5a2faac40f3e4acd04"
	tests := []struct {
		name     string
		content  string
		ignored  []rune
		wantHex  string
		wantNoTx bool
	}{
		{"users LF", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n", nil, v1, false},
		{"users CRLF", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\r\n", nil,
			"a67d8d0d987ccf4d9b99398362affdf7fd6c54901c31963907472136bde7f78ddc9bb34e443729fbbb8375bbe4feecf0", false},
		{"users CRLF ignoring CR", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\r\n", []rune{'\r'}, v1, false},
		{"users with BOM ignoring BOM", "\uFEFFCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n", []rune{'\uFEFF'}, v1, false},
		{"no-transaction", "-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n", nil,
			"c1ab1930f0e78b860f79dc63c9e9ae9852e51351dad9d1ad6b538cc73ca05310f32253b3161b7653803e7fe631c3d74e", true},
		{"simple template", Simple.Template(), nil,
			"ff95923ef9afbcc89efe330243d1754c4719be221420d411481e688ede306676fa9729ff84319a52d2331096e736b892", false},
		{"up template", ReversibleUp.Template(), nil,
			"933f34bc4488c070330c8fde9d1ab04409645572d2303300f2b2407b02de24d4e032cc0aed9ab193a997bc4bcc5ff3e9", false},
		{"down template", ReversibleDown.Template(), nil,
			"6a70a69e4b28b63c72dd1cb75c8e909e6e521b12a387c55273cfbb0e293c6140ef014f735be80e3d8905bcbbef3acb29", false},
		{"empty", "", nil,
			"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b", false},
		{"empty ignoring", "", []rune{' '},
			"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Checksum(tt.content, tt.ignored)
			if len(got) != 48 {
				t.Fatalf("checksum is %d bytes, want 48", len(got))
			}
			if h := hex.EncodeToString(got); h != tt.wantHex {
				t.Errorf("Checksum = %s, want %s", h, tt.wantHex)
			}
			if HasNoTransaction(tt.content) != tt.wantNoTx {
				t.Errorf("HasNoTransaction = %v, want %v", !tt.wantNoTx, tt.wantNoTx)
			}
		})
	}
}

func TestHasNoTransaction(t *testing.T) {
	tests := map[string]bool{
		"-- no-transaction\nVACUUM;":    true,
		"-- no-transactionXYZ":          true,
		"-- no-transaction":             true,
		"\uFEFF-- no-transaction\n":     false,
		"\n-- no-transaction\n":         false,
		" -- no-transaction\n":          false,
		"-- NO-TRANSACTION\n":           false,
		"--no-transaction\n":            false,
		"-- no-transactio":              false,
		"SELECT 1; -- no-transaction\n": false,
	}
	for in, want := range tests {
		if got := HasNoTransaction(in); got != want {
			t.Errorf("HasNoTransaction(%q) = %v, want %v", in, got, want)
		}
	}
}
