package dburl

import (
	"net/url"
	"strings"
)

// percentDecode decodes %XX escapes as Rust's percent_decode_str does: an
// escape that is not '%' and two hex digits stays as it is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// decodeForm decodes one name or value of an application/x-www-form-
// urlencoded query as WHATWG does: '+' is a space, then percentDecode;
// bytes that are not UTF-8 become U+FFFD.
func decodeForm(s string) string {
	return strings.ToValidUTF8(percentDecode(strings.ReplaceAll(s, "+", " ")), "\uFFFD")
}

// encodeForm encodes a query value so that decodeForm gives it back.
func encodeForm(s string) string { return url.QueryEscape(s) }

// escapeUserinfo encodes a user name or database name so that
// percentDecode gives it back and no URL delimiter is left in it.
func escapeUserinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`%@:/?#[]\"<>^|&'`, c) >= 0 {
			b.WriteString("%" + string("0123456789ABCDEF"[c>>4]) + string("0123456789ABCDEF"[c&15]))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
