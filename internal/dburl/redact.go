package dburl

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Mask replaces a password in output.
const Mask = "xxxxx"

// secretParams match password-like parameters. In a URL's query a value
// runs to the next '&' or '#'; in a key=value string it is quoted ('…') or
// not, and runs to the next space.
var secretParams = []*regexp.Regexp{
	regexp.MustCompile(`(?i)([?&](?:ssl)?password=)([^&#]*)`),
	regexp.MustCompile(`(?i)((?:^|\s)(?:ssl)?password=)('(?:[^'\\]|\\.)*'\S*|\S*)`),
}

// Redact masks the password of a URL (user:PASSWORD@host) and the values of
// password= and sslpassword= parameters. It works on strings that do not
// parse as URLs too, so that a malformed URL is safe to print.
func Redact(s string) string {
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		s = scheme + "://" + redactUserinfo(rest)
	}
	for _, re := range secretParams {
		s = re.ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}

// redactUserinfo masks what lies between the first ':' and the last '@'
// before the query string: passwords may hold unescaped '@', '/' or ':',
// and the widest span covers every way of reading where the userinfo ends.
func redactUserinfo(rest string) string {
	beforeQuery, _, _ := strings.Cut(rest, "?")
	at := strings.LastIndex(beforeQuery, "@")
	if at < 0 {
		return rest
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return rest
	}
	return rest[:colon+1] + Mask + rest[at:]
}

// Secrets returns the password strings of a URL, in the forms they can take
// in output (as written, percent-decoded), so that a last line of defence
// can scrub them from any message. Empty strings are never returned.
func Secrets(s string) []string {
	var out []string
	add := func(v string) {
		if v == "" || v == Mask {
			return
		}
		out = append(out, v)
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			out = append(out, d)
		}
	}
	if _, rest, ok := strings.Cut(s, "://"); ok {
		beforeQuery, _, _ := strings.Cut(rest, "?")
		if at := strings.LastIndex(beforeQuery, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				// The userinfo ends at the last '@', or at an earlier one
				// when the host or path holds an '@': each is a candidate.
				add(pw)
				for i := range len(pw) {
					if pw[i] == '@' {
						add(pw[:i])
					}
				}
			}
		}
	}
	for _, re := range secretParams {
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			v := m[2]
			add(v)
			if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
				add(v[1 : len(v)-1])
			}
		}
	}
	return out
}

// Scrub replaces every secret of rawURL that occurs in msg with Mask.
func Scrub(msg, rawURL string) string {
	secrets := Secrets(rawURL)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, sec := range secrets {
		msg = strings.ReplaceAll(msg, sec, Mask)
	}
	return msg
}
