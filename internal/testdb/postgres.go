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
type Server struct {
	Dir      string
	Port     int
	Password string
	cmd      *exec.Cmd
	runAs    *user.User
	postgres string
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
	serverOnce.Do(func() { server, serverErr = startServer() })
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

// Main runs the tests of a package that uses Postgres and stops the server.
func Main(m interface{ Run() int }) {
	code := m.Run()
	StopPostgres()
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
	return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/%s?sslmode=disable", url.QueryEscape(s.Password), s.Port, db)
}

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
