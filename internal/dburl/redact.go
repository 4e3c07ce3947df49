package dburl

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dbprep/dbprep/internal/engine"
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
		for _, s := range u.secrets() {
			add(s)
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

// secrets are the secret values u holds, as dbprep passes them.
func (u URL) secrets() []string {
	switch u.Engine {
	case engine.Postgres:
		return u.Postgres.secrets()
	case engine.MySQL:
		if u.MySQL.HasPassword {
			return []string{u.MySQL.Password}
		}
	}
	return nil
}

// Scrub masks in msg, a driver's or server's message, every secret of the
// URL raw that stands there as a whole token: an occurrence is masked
// unless a letter or digit touches it on a side where the secret itself
// begins or ends with a letter or digit. So a password "p" is masked in
// `password "p"` but "lookup" stays as it is: redaction never changes
// text that is not the password.
//
// A secret of 1 or 2 characters could also stand in the URL's public parts
// the message names (the password "0" in the host 127.0.0.1): those parts,
// as dbprep passed them, are kept whole where they stand as whole tokens
// while short secrets are masked.
func Scrub(msg, raw string) string {
	secrets := Secrets(raw)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // longest first
	var short []string
	for _, sec := range secrets {
		if utf8.RuneCountInString(sec) < 3 {
			short = append(short, sec)
			continue
		}
		msg = maskTokens(msg, sec)
	}
	if len(short) == 0 {
		return msg
	}
	// Where a public part stands as a whole token, a short secret inside
	// it is the part's, not the password: it stays.
	var public [][2]int
	for _, p := range publicParts(raw) {
		if !slices.Contains(short, p) { // a part that is the secret itself is masked
			public = append(public, tokenSpans(msg, p)...)
		}
	}
	var masked [][2]int
	for _, sec := range short {
		for _, sp := range tokenSpans(msg, sec) {
			if !slices.ContainsFunc(public, func(p [2]int) bool {
				return p[0] <= sp[0] && sp[1] <= p[1] && p[1]-p[0] > sp[1]-sp[0]
			}) {
				masked = append(masked, sp)
			}
		}
	}
	slices.SortFunc(masked, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	done := 0
	for _, sp := range masked {
		if sp[0] < done { // overlaps the span masked before it
			done = max(done, sp[1])
			continue
		}
		b.WriteString(msg[done:sp[0]] + Mask)
		done = sp[1]
	}
	b.WriteString(msg[done:])
	return b.String()
}

// publicParts are the parts of a postgres URL that are not secret and
// that a driver's message may name: host, socket, port, user, database,
// longest first.
func publicParts(raw string) []string {
	u, err := Parse(raw)
	if err != nil || u.Engine != engine.Postgres {
		return nil
	}
	o := u.Postgres
	var out []string
	for _, p := range []string{o.Host, o.Socket, o.User, o.Database} {
		if p != "" {
			out = append(out, p)
		}
	}
	if o.Port != 0 {
		out = append(out, strconv.Itoa(int(o.Port)))
		if o.Host != "" {
			out = append(out, o.Host+":"+strconv.Itoa(int(o.Port)))
		}
	}
	for _, p := range o.Params {
		if !secretKeys[p.Key] {
			out = append(out, p.Value)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// maskTokens replaces each whole-token occurrence of sec in s with Mask.
func maskTokens(s, sec string) string {
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for _, sp := range tokenSpans(s, sec) {
		b.WriteString(s[done:sp[0]] + Mask)
		done = sp[1]
	}
	b.WriteString(s[done:])
	return b.String()
}

// tokenSpans are the byte spans of the whole-token occurrences of sec in
// s that do not overlap an earlier one: no letter or digit touches an
// occurrence on a side where sec itself begins or ends with one.
func tokenSpans(s, sec string) [][2]int {
	first, _ := utf8.DecodeRuneInString(sec)
	last, _ := utf8.DecodeLastRuneInString(sec)
	var out [][2]int
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
		out = append(out, [2]int{i, i + len(sec)})
		from = i + len(sec)
	}
	return out
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
