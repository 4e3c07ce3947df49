package dburl

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces a password in output.
const Mask = "xxxxx"

// secretParam matches password-like query or key=value parameters.
var secretParam = regexp.MustCompile(`(?i)((?:^|[?&\s])(?:ssl)?password=)('(?:[^'\\]|\\.)*'|[^&\s]*)`)

// Redact masks the password of a URL (user:PASSWORD@host) and the values of
// password= and sslpassword= parameters. It works on strings that do not
// parse as URLs too, so that a malformed URL is safe to print.
func Redact(s string) string {
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		s = scheme + "://" + redactUserinfo(rest)
	}
	return secretParam.ReplaceAllString(s, "${1}"+Mask)
}

// redactUserinfo masks what lies between the first ':' and the last '@'
// before the query string: passwords may hold unescaped '@', '/' or ':'.
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
				add(pw)
			}
		}
	}
	for _, m := range secretParam.FindAllStringSubmatch(s, -1) {
		add(strings.Trim(m[2], "'"))
	}
	return out
}

// Scrub replaces every secret of rawURL that occurs in msg with Mask.
func Scrub(msg, rawURL string) string {
	for _, sec := range Secrets(rawURL) {
		msg = strings.ReplaceAll(msg, sec, Mask)
	}
	return msg
}
