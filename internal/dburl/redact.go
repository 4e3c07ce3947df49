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
// parse as URLs too, so that a malformed URL is safe to print. Every secret
// span is found in the string as given and the union is masked, so one
// reading can never hide another's secret from the mask.
func Redact(s string) string {
	var spans [][2]int
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		if colon, at, ok := passwordSpan(rest); ok {
			off := len(scheme) + len("://")
			spans = append(spans, [2]int{off + colon + 1, off + at})
		}
	}
	for _, re := range secretParams {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			spans = append(spans, [2]int{m[4], m[5]})
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var out strings.Builder
	pos := 0
	for _, sp := range spans {
		if sp[1] <= pos {
			continue // inside a span already masked
		}
		out.WriteString(s[pos:max(pos, sp[0])])
		if sp[0] >= pos {
			out.WriteString(Mask)
		}
		pos = sp[1]
	}
	out.WriteString(s[pos:])
	return out.String()
}

// passwordSpan finds the widest password of rest (a URL after "://"):
// rest[colon+1:at].
func passwordSpan(rest string) (colon, at int, ok bool) {
	at = strings.LastIndex(rest, "@")
	if at < 0 {
		return 0, 0, false
	}
	colon = strings.Index(rest[:at], ":")
	return colon, at, colon >= 0
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
		if colon, at, ok := passwordSpan(rest); ok {
			// The userinfo ends at the last '@', or at an earlier one
			// when the host, path or query holds an '@': each is a
			// candidate, and so is the password a URL parser reads.
			pw := rest[colon+1 : at]
			add(pw)
			for i := range len(pw) {
				if pw[i] == '@' {
					add(pw[:i])
				}
			}
		}
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok {
				add(p)
				add(url.PathEscape(p))
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
