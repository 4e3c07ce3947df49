package dburl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrInvalidURL is a database URL that does not parse. Its message never
// quotes the URL's parts, which may be pieces of a password.
var ErrInvalidURL = errors.New("invalid database URL")

// PercentEncoding says how to write reserved characters in a URL's user
// name or password.
const PercentEncoding = "percent-encode reserved characters in the user name and password: " +
	"@ → %40, : → %3A, / → %2F, ? → %3F, # → %23, % → %25"

const strayAtProblem = "an '@' stands in the %s, after the host: write it %%40 there, and if it belongs to the password, %s"

// parsePostgres checks a postgres:// URL and returns the connection string
// to hand to the driver. A host written as a percent-encoded socket
// directory (postgres://%2Frun%2Fpostgresql/app, as libpq and sqlx accept)
// becomes a host= parameter, which pgx understands.
func parsePostgres(s string) (string, error) {
	conn := socketHostToParam(s)
	if _, err := url.Parse(conn); err != nil {
		return "", fmt.Errorf("%s; %s", describeURLError(err), PercentEncoding)
	}
	if where := strayAt(conn); where != "" {
		return "", fmt.Errorf(strayAtProblem, where, PercentEncoding)
	}
	return conn, nil
}

// urlProblems maps what net/url's errors say to what dbprep says instead.
var urlProblems = []struct{ match, say string }{
	{"invalid port", "the text after the host's ':' is not a port number"},
	{"invalid URL escape", "a '%' is not followed by two hex digits"},
	{"invalid character", "the host has a character a host name cannot have"},
	{"invalid userinfo", "the user name or password has a character that must be percent-encoded"},
	{"control character", "it holds a control character"},
	{"", "it does not parse as a URL"},
}

// describeURLError names what net/url rejected without quoting it: its
// messages quote the offending part, which can be a piece of a password
// that held a '/', '?' or '#'.
func describeURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	for _, p := range urlProblems {
		if strings.Contains(err.Error(), p.match) {
			return p.say
		}
	}
	panic("unreachable: the last urlProblems entry matches everything")
}

// authority splits a URL after its "scheme://" into the authority and what
// follows it (path, query, fragment), as WHATWG and net/url do: the
// authority ends at the first '/', '?' or '#'.
func authority(rest string) (auth, tail string) {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return rest[:i], rest[i:]
	}
	return rest, ""
}

// strayAt says where an '@' after the authority stands ("path", "query"
// or "fragment"), or "" when there is none. Such an '@' is almost always
// the real end of a userinfo whose password holds an unencoded '/', '?' or
// '#': parsed as it stands, the URL would connect to the wrong host with a
// piece of the password as its port or path, and that piece could be
// printed. An '@' that really belongs after the host is written %40.
func strayAt(s string) string {
	_, rest, _ := strings.Cut(s, "://")
	_, tail := authority(rest)
	tail, frag, _ := strings.Cut(tail, "#")
	path, query, _ := strings.Cut(tail, "?")
	switch {
	case strings.Contains(path, "@"):
		return "path"
	case strings.Contains(query, "@"):
		return "query"
	case strings.Contains(frag, "@"):
		return "fragment"
	}
	return ""
}

// socketHostToParam rewrites postgres://user@%2Frun%2Fpostgresql:5433/db?x
// as postgres://user@:5433/db?host=%2Frun%2Fpostgresql&x. Other URLs are
// returned unchanged.
func socketHostToParam(s string) string {
	scheme, rest, _ := strings.Cut(s, "://")
	auth, tail := authority(rest)
	userinfo, hostport := "", auth
	if at := strings.LastIndex(auth, "@"); at >= 0 {
		userinfo, hostport = auth[:at+1], auth[at+1:]
	}
	if len(hostport) < 3 || !strings.EqualFold(hostport[:3], "%2F") {
		return s
	}
	host, port, _ := strings.Cut(hostport, ":")
	if _, err := url.PathUnescape(host); err != nil {
		return s
	}
	path, query, hasQuery := strings.Cut(tail, "?")
	param := "host=" + host
	if hasQuery && query != "" {
		param += "&" + query
	}
	if port != "" {
		port = ":" + port
	}
	return scheme + "://" + userinfo + port + path + "?" + param
}
