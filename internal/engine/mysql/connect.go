package mysql

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/retry"
	"github.com/dbprep/dbprep/internal/store"
)

// driverConfig is go-sql-driver's configuration for o, built from its
// parsed parts (the driver never reads the URL or a DSN holding the
// password): sqlx's user (root by default), address (socket= over the
// host), multi-statement queries (sqlx sends a migration as one query),
// arguments quoted client-side, and TLS as sqlx's ssl-mode asks.
func driverConfig(o dburl.MySQLOptions, database string) (*driver.Config, error) {
	cfg := driver.NewConfig()
	cfg.User = o.UserOrDefault()
	if o.HasPassword {
		cfg.Passwd = o.Password
	}
	cfg.Net, cfg.Addr = o.Addr()
	cfg.DBName = database
	cfg.MultiStatements = true
	// Arguments are quoted by the driver into the query, as the mysql
	// client does: one round trip a statement, not a prepare, an execute
	// and a close (the driver declines, and prepares, where quoting would
	// be unsafe: a NO_BACKSLASH_ESCAPES session keeps its own rules, and it
	// refuses character sets whose bytes can hide a quote).
	cfg.InterpolateParams = true
	cfg.Timeout = 10 * time.Second
	switch o.SSLMode {
	case "disabled":
		cfg.TLSConfig = "false"
	case "preferred":
		cfg.TLSConfig = "preferred"
	case "required":
		cfg.TLS = &tls.Config{InsecureSkipVerify: true}
	case "verify_ca", "verify_identity":
		tc := &tls.Config{}
		if o.SSLMode == "verify_ca" {
			// The chain is checked against the CA below, the host name not.
			tc.InsecureSkipVerify = true
		} else if host, _, err := net.SplitHostPort(cfg.Addr); err == nil {
			tc.ServerName = host
		}
		if o.SSLCA != "" {
			pem, err := os.ReadFile(o.SSLCA)
			if err != nil {
				return nil, fmt.Errorf("%w: sslca: %v", dburl.ErrInvalidURL, err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%w: sslca %s holds no PEM certificate", dburl.ErrInvalidURL, o.SSLCA)
			}
			tc.RootCAs = pool
			if o.SSLMode == "verify_ca" {
				tc.VerifyPeerCertificate = verifyChain(pool)
			}
		}
		cfg.TLS = tc
	}
	if o.SSLCert != "" && o.SSLKey != "" && cfg.TLS != nil {
		cert, err := tls.LoadX509KeyPair(o.SSLCert, o.SSLKey)
		if err != nil {
			return nil, fmt.Errorf("%w: sslcert/sslkey: %v", dburl.ErrInvalidURL, err)
		}
		cfg.TLS.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// verifyChain checks a server's certificate chain against pool, without
// its host name (ssl-mode=verify_ca).
func verifyChain(pool *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("the server sent no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return err
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter})
		return err
	}
}

// connectRetry connects, retrying with backoff while the server refuses
// connections (it is starting), until timeout; onWait, when set, is told
// while it waits. The session is set up as sqlx's (ledger.MySQLSession).
// The caller closes both.
func connectRetry(ctx context.Context, cfg *driver.Config, timeout time.Duration, onWait func(string)) (*sql.DB, *sql.Conn, error) {
	connector, err := driver.NewConnector(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the MySQL driver refused its parameters: %v", dburl.ErrInvalidURL, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	message := func(err error) string { return err.Error() }
	conn, err := retry.Conn(ctx, db, retry.Config{Timeout: timeout, Retryable: retry.Refused, OnWait: retry.Announce(onWait, cfg.Addr, timeout, message)})
	if err != nil {
		db.Close()
		if ctx.Err() != nil && err == ctx.Err() {
			return nil, nil, err
		}
		return nil, nil, newConnectError(cfg, err)
	}
	if _, err := conn.ExecContext(ctx, ledger.MySQLSession); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, fmt.Errorf("setting up the session as sqlx does: %w", err)
	}
	return db, conn, nil
}

func newConnectError(cfg *driver.Config, err error) *store.ConnectError {
	target := fmt.Sprintf("database %q as user %q on %s", cfg.DBName, cfg.User, cfg.Addr)
	if cfg.DBName == "" {
		target = fmt.Sprintf("the server as user %q on %s", cfg.User, cfg.Addr)
	}
	e := &store.ConnectError{Target: target, Cause: err, Reason: err.Error()}
	var me *driver.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == 1049: // ER_BAD_DB_ERROR
		e.Kind = store.ErrNoDatabase
	case errors.As(err, &me) && (me.Number == 1045 || me.Number == 1044 || me.Number == 1698): // access denied
		e.Kind = store.ErrAuth
	case store.Unreachable(err):
		e.Kind = store.ErrUnreachable
	}
	return e
}
