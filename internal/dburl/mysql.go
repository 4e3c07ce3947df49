package dburl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MySQLOptions is a mysql:// or mariadb:// URL read as sqlx reads it
// (MySqlConnectOptions::parse_from_url over a WHATWG URL): the userinfo
// ends at the last '@' of the authority; user, password and database are
// percent-decoded; socket= wins over the host; parameters sqlx does not
// know are ignored, as sqlx ignores them. Drivers are handed these parts,
// never the URL.
type MySQLOptions struct {
	// Scheme is "mysql" or "mariadb" (one driver, one parser).
	Scheme string
	// Host is the host ("" is sqlx's localhost, over TCP); Port 0 is 3306.
	Host string
	Port uint16
	// Socket is the socket= parameter: a unix socket, used in place of
	// the host and port.
	Socket string
	// User is "" for sqlx's default, root.
	User string
	// Password is the password, decoded; HasPassword says one was given.
	// Never print it.
	Password    string
	HasPassword bool
	// Database is the default database; "" is none (sqlx has no default).
	Database string
	// SSLMode is sslmode (ssl-mode): disabled, preferred (the default),
	// required, verify_ca, verify_identity; SSLCA, SSLCert and SSLKey are
	// its files.
	SSLMode, SSLCA, SSLCert, SSLKey string
	// Charset and Collation are SET NAMES's (utf8mb4 by default, and the
	// server's collation for it).
	Charset, Collation string
	// TimeZone is the session's time_zone ("+00:00" by default).
	TimeZone string
	// Ignored are the parameters sqlx ignores, by name, for a note.
	Ignored []string
}

// mysqlSSLModes are sqlx's ssl-mode values.
var mysqlSSLModes = []string{"disabled", "preferred", "required", "verify_ca", "verify_identity"}

// parseMySQL reads a mysql:// or mariadb:// URL.
func parseMySQL(s string) (MySQLOptions, error) {
	s = cleanURL(s)
	scheme, rest, _ := strings.Cut(s, "://")
	o := MySQLOptions{Scheme: strings.ToLower(scheme), Charset: "utf8mb4", TimeZone: "+00:00", SSLMode: "preferred"}
	auth, tail := authority(rest)
	tail, frag, _ := strings.Cut(tail, "#")
	path, query, _ := strings.Cut(tail, "?")
	if where := strayAt(path, query, frag); where != "" {
		return o, fmt.Errorf(strayAtProblem, where, PercentEncoding)
	}
	if err := o.readAuthority(auth); err != nil {
		return o, err
	}
	db, err := decodePart(strings.TrimLeft(path, "/"), "database name")
	if err != nil {
		return o, err
	}
	o.Database = db
	return o, o.readQuery(query)
}

// readAuthority reads [user[:password]@]host[:port].
func (o *MySQLOptions) readAuthority(auth string) error {
	a, err := readAuthority(auth)
	if errors.Is(err, errPortNoHost) {
		return errors.New("the URL has a port but no host (write mysql://USER@HOST:PORT/DB, or ?socket=PATH for a socket)")
	}
	o.User, o.Password, o.HasPassword, o.Host, o.Port = a.user, a.password, a.hasPassword, a.host, a.port
	return err
}

// readQuery reads sqlx's parameters (form-urlencoded pairs; later values
// win) and notes the others, which sqlx ignores.
func (o *MySQLOptions) readQuery(query string) error {
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		rk, rv, _ := strings.Cut(kv, "=")
		k, v := decodeForm(rk), decodeForm(rv)
		switch k {
		case "sslmode", "ssl-mode":
			if !contains(mysqlSSLModes, strings.ToLower(v)) {
				return fmt.Errorf("unknown value for sslmode: use one of %s", quoteAll(mysqlSSLModes))
			}
			o.SSLMode = strings.ToLower(v)
		case "sslca", "ssl-ca":
			o.SSLCA = v
		case "sslcert", "ssl-cert":
			o.SSLCert = v
		case "sslkey", "ssl-key":
			o.SSLKey = v
		case "charset":
			o.Charset = v
		case "collation":
			o.Collation = v
		case "socket":
			o.Socket = v
		case "timezone", "time-zone":
			o.TimeZone = v
		case "statement-cache-capacity":
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				return errors.New("statement-cache-capacity is not a number")
			}
		default:
			if !contains(o.Ignored, k) {
				o.Ignored = append(o.Ignored, k)
			}
		}
	}
	return nil
}

// UserOrDefault is the user sqlx connects as: root unless the URL names one.
func (o MySQLOptions) UserOrDefault() string {
	if o.User == "" {
		return "root"
	}
	return o.User
}

// Addr is the network and address to connect to: the socket when
// socket= is given, else TCP to the host (localhost) and port (3306).
func (o MySQLOptions) Addr() (network, addr string) {
	if o.Socket != "" {
		return "unix", o.Socket
	}
	host, port := o.Host, o.Port
	if host == "" {
		host = "localhost"
	}
	if port == 0 {
		port = 3306
	}
	return "tcp", netJoin(host, port)
}

func netJoin(host string, port uint16) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(int(port))
	}
	return host + ":" + strconv.Itoa(int(port))
}

// String renders o as a URL with the password masked.
func (o MySQLOptions) String() string {
	var b strings.Builder
	b.WriteString(o.Scheme + "://")
	if o.User != "" || o.HasPassword {
		b.WriteString(escapeUserinfo(o.User))
		if o.HasPassword {
			b.WriteString(":" + Mask)
		}
		b.WriteByte('@')
	}
	if strings.Contains(o.Host, ":") {
		b.WriteString("[" + o.Host + "]")
	} else {
		b.WriteString(o.Host)
	}
	if o.Port != 0 {
		b.WriteString(":" + strconv.Itoa(int(o.Port)))
	}
	b.WriteString("/" + escapeUserinfo(o.Database))
	var params []string
	if o.Socket != "" {
		params = append(params, "socket="+encodeForm(o.Socket))
	}
	if o.SSLMode != "preferred" {
		params = append(params, "sslmode="+o.SSLMode)
	}
	if len(params) > 0 {
		b.WriteString("?" + strings.Join(params, "&"))
	}
	return b.String()
}
