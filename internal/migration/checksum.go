package migration

import (
	"crypto/sha512"
	"strings"
)

// NoTransactionDirective is the prefix that makes sqlx run a migration
// outside a transaction. It must be the very first bytes of the file.
const NoTransactionDirective = "-- no-transaction"

// HasNoTransaction reports whether sql starts with the directive, exactly as
// sqlx tests it: case-sensitive, no BOM, no leading space or blank line.
func HasNoTransaction(sql string) bool {
	return strings.HasPrefix(sql, NoTransactionDirective)
}

// Checksum is sqlx's migration checksum: SHA-384 of the contents, after
// removing every rune in ignored (sqlx.toml's migrate.ignored-chars). The 48
// raw bytes are what the ledger stores.
func Checksum(contents string, ignored []rune) []byte {
	if len(ignored) > 0 {
		contents = strings.Map(func(r rune) rune {
			for _, ig := range ignored {
				if r == ig {
					return -1
				}
			}
			return r
		}, contents)
	}
	sum := sha512.Sum384([]byte(contents))
	return sum[:]
}
