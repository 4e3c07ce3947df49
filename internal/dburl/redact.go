package dburl

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask replaces a password in output.
const Mask = "xxxxx"

// Secrets returns the secret values of a database URL in the forms they
// can take in a driver's or server's message: as dbprep passes them
// (decoded) and as written. A URL that does not parse gives every
// candidate a parser could read as its password. Empty strings are never
// returned.
func Secrets(raw string) []string {
	var out []string
	add := func(v string) {
		if v != "" && v != Mask && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if u, err := Parse(raw); err == nil {
		if u.Kind == Postgres {
			for _, s := range u.Postgres.secrets() {
				add(s)
			}
		}
	}
	// As written: the userinfo's password up to the last '@' and up to
	// each earlier one, and every password= value in the query.
	if _, rest, ok := strings.Cut(cleanURL(raw), "://"); ok {
		auth, tail := authority(rest)
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(auth[:at], ":"); ok {
				add(pw)
				add(percentDecode(pw))
			}
		}
		// A password holding '/', '?' or '#' puts its '@' after the
		// authority: each '@' in the whole URL may end the userinfo.
		for i := range len(rest) {
			if rest[i] == '@' {
				if _, pw, ok := strings.Cut(rest[:i], ":"); ok {
					add(pw)
					add(percentDecode(pw))
				}
			}
		}
		// A password= value up to each later '&' and to the end, '#…'
		// included: what a parser with other rules could read as the value.
		_, query, _ := strings.Cut(tail, "?")
		pairs := strings.Split(query, "&")
		for i, kv := range pairs {
			if k, v, ok := strings.Cut(kv, "="); ok && secretKeys[canonicalKey(decodeForm(k))] {
				for j := i; j < len(pairs); j++ {
					if j > i {
						v += "&" + pairs[j]
					}
					add(v)
					add(decodeForm(v))
					if head, _, ok := strings.Cut(v, "#"); ok {
						add(head)
						add(decodeForm(head))
					}
				}
			}
		}
	}
	return out
}

// Scrub masks in msg, a driver's or server's message, every secret of the
// URL raw that stands there as a whole token: an occurrence is masked
// unless a letter or digit touches it on a side where the secret itself
// begins or ends with a letter or digit. So a password "p" is masked in
// `password "p"` but "lookup" stays as it is: redaction never changes
// text that is not the password.
func Scrub(msg, raw string) string {
	secrets := Secrets(raw)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, sec := range secrets {
		msg = maskTokens(msg, sec)
	}
	return msg
}

// maskTokens replaces each whole-token occurrence of sec in s with Mask.
func maskTokens(s, sec string) string {
	first, _ := utf8.DecodeRuneInString(sec)
	last, _ := utf8.DecodeLastRuneInString(sec)
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for from := 0; from <= len(s); {
		i := strings.Index(s[from:], sec)
		if i < 0 {
			break
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(sec):])
		if i > 0 && isWord(before) && isWord(first) || i+len(sec) < len(s) && isWord(after) && isWord(last) {
			// Not a token: step one rune on, as a later, overlapping
			// occurrence may be one.
			_, n := utf8.DecodeRuneInString(s[i:])
			from = i + n
			continue
		}
		b.WriteString(s[done:i] + Mask)
		done = i + len(sec)
		from = done
	}
	b.WriteString(s[done:])
	return b.String()
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
