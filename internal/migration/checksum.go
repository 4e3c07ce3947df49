package migration

import (
	"crypto/sha512"
	"slices"
	"strings"
	"unicode/utf8"
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
	return checksumBytes([]byte(contents), ignored)
}

// checksumBytes is Checksum of contents held as bytes, without a copy.
func checksumBytes(contents []byte, ignored []rune) []byte {
	if len(ignored) > 0 {
		contents = appendFiltered(nil, contents, ignored)
	}
	sum := sha512.Sum384(contents)
	return sum[:]
}

// appendFiltered appends to dst the runes of src (UTF-8) not in ignored.
func appendFiltered(dst, src []byte, ignored []rune) []byte {
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if !slices.Contains(ignored, r) {
			dst = append(dst, src[:size]...)
		}
		src = src[size:]
	}
	return dst
}
