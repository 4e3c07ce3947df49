package dburl

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrInvalidURL is a database URL that does not parse. Its message never
// quotes the URL's parts, which may be pieces of a password.
var ErrInvalidURL = errors.New("invalid database URL")

// PercentEncoding says how to write reserved characters in a URL's user
// name or password.
const PercentEncoding = "percent-encode reserved characters in the user name and password: " +
	"@ → %40, : → %3A, / → %2F, ? → %3F, # → %23, % → %25, & → %26 (in a password= parameter)"

const strayAtProblem = "an '@' stands in the %s, after the host: write it %%40 there, and if it belongs to the password, %s"

// PostgresOptions is a postgres:// URL read as sqlx reads it
// (PgConnectOptions::parse_from_url over a WHATWG URL): the userinfo ends
// at the last '@' of the authority, the user name ends at its first ':',
// and user, password and database are percent-decoded. Drivers are handed
// these parts (ConnString), never the URL, so that no driver's own URL
// rules apply.
type PostgresOptions struct {
	// Scheme is "postgres" or "postgresql".
	Scheme string
	// Host is the host name or IP address; "" leaves it to the driver
	// (PGHOST, else the default socket directory).
	Host string
	// Socket is a unix socket directory (a host that starts with '/').
	Socket string
	// Port is the port; 0 leaves it to the driver (5432).
	Port uint16
	User string
	// Password is the password, decoded; HasPassword says one was given.
	// Never print it.
	Password    string
	HasPassword bool
	Database    string
	// Params are the other connection parameters, in order.
	Params []Param
	// Notes are warnings about the URL for the user, quoting nothing that
	// could be a piece of a password.
	Notes []string
}

// Param is one connection parameter.
type Param struct{ Key, Value string }

// secretKeys are parameters whose values are secrets.
var secretKeys = map[string]bool{"password": true, "sslpassword": true}

// sslModes are the sslmode values sqlx accepts.
var sslModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// driverKeys are libpq connection parameters that pgx reads and sqlx
// does not; dbprep passes them on. sqlx ignores them, as it ignores every
// parameter it does not know.
var driverKeys = map[string]bool{
	"connect_timeout": true, "target_session_attrs": true, "sslsni": true, "sslpassword": true,
	"sslnegotiation": true, "sslcertmode": true, "channel_binding": true, "require_auth": true,
	"krbsrvname": true, "krbspn": true, "min_protocol_version": true, "max_protocol_version": true,
}

// parsePostgres reads a postgres:// URL.
func parsePostgres(s string) (PostgresOptions, error) {
	s = cleanURL(s)
	scheme, rest, _ := strings.Cut(s, "://")
	o := PostgresOptions{Scheme: strings.ToLower(scheme)}
	auth, tail := authority(rest)
	tail, frag, hasFrag := strings.Cut(tail, "#")
	path, query, _ := strings.Cut(tail, "?")
	if where := strayAt(path, query, frag); where != "" {
		return o, fmt.Errorf(strayAtProblem, where, PercentEncoding)
	}
	if hasFrag && frag != "" {
		o.Notes = append(o.Notes, "the URL has a '#…' fragment, which sqlx ignores: if the password holds '#', write it %23")
	}
	if err := o.readAuthority(auth); err != nil {
		return o, err
	}
	db, err := decodePart(strings.TrimLeft(path, "/"), "database name")
	if err != nil {
		return o, err
	}
	o.Database = db
	if err := o.readQuery(query); err != nil {
		return o, err
	}
	return o, nil
}

// cleanURL does what the WHATWG URL parser does first: strip leading and
// trailing C0 controls and spaces, and remove tabs and newlines.
func cleanURL(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	return strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
}

// authority splits a URL after its "scheme://" into the authority and what
// follows it (path, query, fragment), as WHATWG does for a scheme that is
// not "special": the authority ends at the first '/', '?' or '#'.
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
// printed. An '@' that really belongs after the host is written %40; in
// the value of a password= parameter it may stand as it is.
func strayAt(path, query, frag string) string {
	switch {
	case strings.Contains(path, "@"):
		return "path"
	case strings.Contains(frag, "@"):
		return "fragment"
	}
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.Contains(k, "@") || strings.Contains(v, "@") && !secretKeys[decodeForm(k)] {
			return "query"
		}
	}
	return ""
}

// authParts are an authority's parts, read as WHATWG reads them: the
// userinfo ends at the last '@', the user name at its first ':'; user and
// password percent-decoded; host as written, without an IPv6 address's
// brackets (bracketed).
type authParts struct {
	user, password string
	hasPassword    bool
	host           string
	bracketed      bool
	port           uint16
}

// errPortNoHost is an authority with a port and no host; each engine
// words it.
var errPortNoHost = errors.New("the URL has a port but no host")

// readAuthority reads [user[:password]@]host[:port].
func readAuthority(auth string) (authParts, error) {
	var a authParts
	hostport := auth
	if at := strings.LastIndex(auth, "@"); at >= 0 {
		user, pw, _ := strings.Cut(auth[:at], ":")
		hostport = auth[at+1:]
		var err error
		if a.user, err = decodePart(user, "user name"); err != nil {
			return a, err
		}
		if pw != "" {
			if a.password, err = decodePart(pw, "password"); err != nil {
				return a, err
			}
			a.hasPassword = true
		}
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return a, err
	}
	if port != "" {
		if a.port, err = parsePort(port); err != nil {
			return a, err
		}
	}
	if strings.HasPrefix(host, "[") {
		// WHATWG accepts only an IPv6 address between the brackets (no zone).
		h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if addr, err := netip.ParseAddr(h); err != nil || !addr.Is6() || addr.Zone() != "" {
			return a, errors.New("the host in brackets is not an IPv6 address (brackets hold an IPv6 address only, without a zone)")
		}
		host, a.bracketed = h, true
	}
	a.host = host
	return a, nil
}

// readAuthority reads the authority, as sqlx does: a host that starts
// with '/' once decoded is a socket directory.
func (o *PostgresOptions) readAuthority(auth string) error {
	a, err := readAuthority(auth)
	if errors.Is(err, errPortNoHost) {
		return errors.New("the URL has a port but no host (for the default socket, leave out both: postgres:///DBNAME)")
	}
	if err != nil {
		return err
	}
	o.User, o.Password, o.HasPassword, o.Port = a.user, a.password, a.hasPassword, a.port
	switch decoded := percentDecode(a.host); {
	case a.bracketed:
		o.Host = a.host
	case strings.Contains(decoded, ","):
		// sqlx reads "a,b" as one host name (and fails to find it); pgx and
		// lib/pq read a list of hosts to try in turn. Rather than connect
		// where sqlx would not, refuse it.
		return errors.New("the host has a ',': sqlx reads it as one host name, PostgreSQL drivers as a list of hosts; give one host (dbprep, like sqlx, connects to one server)")
	case strings.HasPrefix(decoded, "/"):
		o.Socket = decoded
	default:
		o.Host = a.host
	}
	return nil
}

// splitHostPort splits a WHATWG opaque host (or a bracketed IPv6 address)
// from its port, refusing what the WHATWG host parser refuses.
func splitHostPort(hp string) (host, port string, err error) {
	if strings.HasPrefix(hp, "[") {
		end := strings.Index(hp, "]")
		if end < 0 {
			return "", "", errors.New("an IPv6 host has no closing ']'")
		}
		host, rest := hp[:end+1], hp[end+1:]
		if rest != "" && rest[0] != ':' {
			return "", "", errors.New("the host has a character a host name cannot have")
		}
		return host, strings.TrimPrefix(rest, ":"), nil
	}
	host, port, hasPort := strings.Cut(hp, ":")
	if hasPort && host == "" {
		return "", "", errPortNoHost
	}
	if strings.ContainsAny(host, "\x00\t\n\r #/:<>?@[\\]^|") || strings.ContainsFunc(host, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", "", errors.New("the host has a character a host name cannot have")
	}
	return host, port, nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || strings.ContainsAny(s, "+-") {
		return 0, errors.New("the text after the host's ':' is not a port number (0 to 65535)")
	}
	return uint16(n), nil
}

// decodePart percent-decodes a user name, password or database name as
// sqlx does: valid escapes are decoded, others stay as they are, and the
// result must be UTF-8.
func decodePart(s, what string) (string, error) {
	d := percentDecode(s)
	if !utf8.ValidString(d) {
		return "", fmt.Errorf("the %s is not UTF-8 once percent-decoded", what)
	}
	return d, nil
}

// readQuery reads the query's parameters as sqlx does (form-urlencoded
// pairs; later values win) and keeps those the driver needs.
func (o *PostgresOptions) readQuery(query string) error {
	afterSecret, ignored, ignoredAfterSecret := false, []string{}, 0
	var options []string
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		rk, rv, _ := strings.Cut(kv, "=")
		k, v := decodeForm(rk), decodeForm(rv)
		switch key := canonicalKey(k); key {
		case "sslmode":
			if !contains(sslModes, v) {
				return fmt.Errorf("unknown sslmode (use %s)", strings.Join(sslModes, ", "))
			}
			o.set(key, v)
		case "sslrootcert", "sslcert", "sslkey", "application_name":
			o.set(key, v)
		case "statement-cache-capacity":
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				return errors.New("statement-cache-capacity is not a whole number")
			}
		case "host", "hostaddr":
			if strings.HasPrefix(v, "/") {
				o.Socket, o.Host = v, ""
			} else {
				o.Host, o.Socket = v, ""
			}
		case "port":
			p, err := parsePort(v)
			if err != nil {
				return errors.New("the port parameter is not a port number (0 to 65535)")
			}
			o.Port = p
		case "dbname":
			o.Database = v
		case "user":
			o.User = v
		case "password":
			o.Password, o.HasPassword = v, true
		case "options":
			options = append(options, v)
		default:
			if name, ok := strings.CutPrefix(k, "options["); ok && strings.HasSuffix(name, "]") {
				options = append(options, "-c "+escapeOption(strings.TrimSuffix(name, "]"))+"="+escapeOption(v))
				continue
			}
			if driverKeys[k] {
				o.set(k, v)
				continue
			}
			if afterSecret {
				ignoredAfterSecret++
			} else {
				ignored = append(ignored, k)
			}
		}
		if secretKeys[canonicalKey(k)] {
			afterSecret = true
		}
	}
	if len(options) > 0 {
		o.set("options", strings.Join(options, " "))
	}
	if len(ignored) > 0 {
		o.Notes = append(o.Notes, fmt.Sprintf("ignoring the connection parameter(s) %s, which sqlx does not know either", quoteAll(ignored)))
	}
	if ignoredAfterSecret > 0 {
		o.Notes = append(o.Notes, fmt.Sprintf("ignoring %d unknown parameter(s) after a password= parameter: if the password holds '&', write it %%26", ignoredAfterSecret))
	}
	return nil
}

// canonicalKey maps sqlx's spellings of a parameter to libpq's.
func canonicalKey(k string) string {
	switch k {
	case "ssl-mode":
		return "sslmode"
	case "ssl-root-cert", "ssl-ca":
		return "sslrootcert"
	case "ssl-cert":
		return "sslcert"
	case "ssl-key":
		return "sslkey"
	}
	return k
}

// set sets a driver parameter, replacing an earlier value.
func (o *PostgresOptions) set(k, v string) {
	for i := range o.Params {
		if o.Params[i].Key == k {
			o.Params[i].Value = v
			return
		}
	}
	o.Params = append(o.Params, Param{k, v})
}

// escapeOption escapes a value in PostgreSQL's startup options (spaces and
// backslashes), as sqlx's PgConnectOptions::options does.
func escapeOption(s string) string {
	return strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(s)
}

// ConnString is the keyword/value connection string (libpq's
// "host='…' dbname='…'") of o for a driver. The password is included only
// withPassword: pgx is given it as a field of its configuration instead.
func (o PostgresOptions) ConnString(withPassword bool) string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'")
	}
	switch {
	case o.Socket != "":
		add("host", o.Socket)
	case o.Host != "":
		add("host", o.Host)
	}
	if o.Port != 0 {
		add("port", strconv.Itoa(int(o.Port)))
	}
	if o.User != "" {
		add("user", o.User)
	}
	if withPassword && o.HasPassword {
		add("password", o.Password)
	}
	if o.Database != "" {
		add("dbname", o.Database)
	}
	for _, p := range o.Params {
		add(p.Key, p.Value)
	}
	return b.String()
}

// secrets are the secret values o holds (the password, sslpassword).
func (o PostgresOptions) secrets() []string {
	var out []string
	if o.HasPassword {
		out = append(out, o.Password)
	}
	for _, p := range o.Params {
		if secretKeys[p.Key] {
			out = append(out, p.Value)
		}
	}
	return out
}

// String renders o as a URL with every secret masked.
func (o PostgresOptions) String() string {
	var b strings.Builder
	b.WriteString(o.Scheme + "://")
	if o.User != "" || o.HasPassword {
		b.WriteString(escapeUserinfo(o.User))
		if o.HasPassword {
			b.WriteString(":" + Mask)
		}
		b.WriteByte('@')
	}
	switch {
	case o.Socket != "":
		b.WriteString(strings.ReplaceAll(escapeUserinfo(o.Socket), "/", "%2F"))
	case strings.Contains(o.Host, ":"):
		b.WriteString("[" + o.Host + "]")
	default:
		b.WriteString(o.Host)
	}
	if o.Port != 0 {
		b.WriteString(":" + strconv.Itoa(int(o.Port)))
	}
	b.WriteString("/" + escapeUserinfo(o.Database))
	sep := "?"
	for _, p := range o.Params {
		v := encodeForm(p.Value)
		if secretKeys[p.Key] {
			v = Mask
		}
		b.WriteString(sep + p.Key + "=" + v)
		sep = "&"
	}
	return b.String()
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
