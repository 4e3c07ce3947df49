package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Server is a throwaway PostgreSQL server: initdb into a temporary
// directory, listening on 127.0.0.1 on a free port and on a unix socket,
// password authentication (scram) for TCP.
//
// With DBPREP_TEST_POSTGRES_URL set (postgres://user:password@host:port/db,
// a superuser's), Postgres uses that server instead, as dbmate's tests
// take theirs from the environment: the tests create and drop databases
// and roles on it. Tests that stop, crash or reach a server through its
// socket directory always start one of their own.
type Server struct {
	// Dir is the data directory, which holds the unix socket ("" for a
	// server from the environment).
	Dir string
	// Host and Port are where the server listens on TCP; User is a
	// superuser, whose password is Password.
	Host     string
	Port     int
	User     string
	Password string
	cmd      *exec.Cmd
	runAs    *user.User
	postgres string
}

// EnvURL names the environment variable of a server to test against.
const EnvURL = "DBPREP_TEST_POSTGRES_URL"

// fromEnv is the server DBPREP_TEST_POSTGRES_URL names, checked by
// connecting to it; nil when the variable is unset.
func fromEnv() (*Server, error) {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" || u.Hostname() == "" {
		return nil, fmt.Errorf("%s: want postgres://user:password@host:port/database", EnvURL)
	}
	s := &Server{Host: u.Hostname(), Port: 5432, User: u.User.Username()}
	s.Password, _ = u.User.Password()
	if p := u.Port(); p != "" {
		fmt.Sscan(p, &s.Port)
	}
	if s.User == "" {
		s.User = "postgres"
	}
	conn, err := pgx.Connect(context.Background(), s.URL("postgres"))
	if err != nil {
		return nil, fmt.Errorf("%s: connecting to its postgres database failed (the password is not shown)", EnvURL)
	}
	conn.Close(context.Background())
	return s, nil
}

// RequireOwn skips a test that needs the server's data directory (its
// unix socket) when the server came from DBPREP_TEST_POSTGRES_URL.
func (s *Server) RequireOwn(t testing.TB) {
	t.Helper()
	if s.Dir == "" {
		t.Skipf("needs a server of the tests' own (its socket directory), not %s's", EnvURL)
	}
}

var (
	serverOnce sync.Once
	server     *Server
	serverErr  error
	dbCounter  atomic.Int64
)

// Postgres returns the package's server, starting it on first use. Without
// PostgreSQL installed the test is skipped, except under CI=true, where a
// missing server fails it.
func Postgres(t testing.TB) *Server {
	t.Helper()
	serverOnce.Do(func() {
		if server, serverErr = fromEnv(); server == nil && serverErr == nil {
			server, serverErr = startServer()
		}
	})
	if serverErr != nil && os.Getenv(EnvURL) != "" {
		t.Fatal(serverErr)
	}
	if serverErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is required in CI: %v", serverErr)
		}
		t.Skipf("no PostgreSQL server: %v (apt-get install postgresql)", serverErr)
	}
	return server
}

// NewPostgres starts a server of the test's own, stopped when the test
// ends, for tests that stop or crash it. Like Postgres, it skips the test
// without PostgreSQL, except under CI=true.
func NewPostgres(t testing.TB) *Server {
	t.Helper()
	s, err := startServer()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		t.Skipf("no PostgreSQL server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StopPostgres stops the server if it was started; call it from TestMain.
func StopPostgres() {
	if server != nil {
		server.Stop()
	}
}

// Main runs the tests of a package that uses Postgres or MySQL and stops
// the servers.
func Main(m interface{ Run() int }) {
	code := m.Run()
	StopPostgres()
	StopMySQL()
	os.Exit(code)
}

func findBin(name string) (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return exec.LookPath(name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// URL is a postgres:// URL for database db as the superuser, with its password.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", url.QueryEscape(s.User), url.QueryEscape(s.Password), s.HostPort(), db)
}

// HostPort is the server's TCP address, host:port.
func (s *Server) HostPort() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// SocketURL is a URL for database db over the server's unix socket.
func (s *Server) SocketURL(db string) string {
	return fmt.Sprintf("postgres:///%s?host=%s&port=%d&user=postgres", db, url.QueryEscape(s.Dir), s.Port)
}

// Exec runs statements as the superuser in database db.
func (s *Server) Exec(t testing.TB, db string, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), s.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Fresh creates a new empty database, dropped when the test ends, and
// returns its URL.
func (s *Server) Fresh(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), dbCounter.Add(1))
	s.Exec(t, "postgres", "CREATE DATABASE "+name)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), s.URL("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return s.URL(name)
}
