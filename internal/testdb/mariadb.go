package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MariaDB is a throwaway MariaDB server: mariadb-install-db into a
// temporary directory, never the system service and never the host's
// /etc/mysql (--no-defaults), utf8mb4, listening on 127.0.0.1 on a free
// port and on a unix socket; User (with Password, over TCP) may do
// anything. Run as root, it runs as the mysql user.
type MariaDB struct {
	Dir      string
	Socket   string
	Host     string
	Port     int
	User     string
	Password string
	cmd      *exec.Cmd
}

var (
	mariaOnce sync.Once
	maria     *MariaDB
	mariaErr  error
)

// MySQL returns the package's MariaDB server, starting it on first use.
// Without MariaDB installed the test is skipped, except under CI=true,
// where a missing server fails it. Packages that use it stop it in
// TestMain (Main does).
func MySQL(t testing.TB) *MariaDB {
	t.Helper()
	mariaOnce.Do(func() { maria, mariaErr = startMariaDB() })
	if mariaErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("MariaDB is required in CI: %v", mariaErr)
		}
		t.Skipf("no MariaDB server: %v (apt-get install mariadb-server)", mariaErr)
	}
	return maria
}

// StopMySQL stops the server if it was started.
func StopMySQL() {
	if maria != nil {
		maria.Stop()
	}
}

func startMariaDB() (*MariaDB, error) {
	install, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		return nil, err
	}
	server, err := exec.LookPath("mariadbd")
	if err != nil {
		if server, err = exec.LookPath("/usr/sbin/mariadbd"); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "dbprep-mariadb-")
	if err != nil {
		return nil, err
	}
	m := &MariaDB{Dir: dir, Socket: filepath.Join(dir, "sock"), Host: "127.0.0.1", User: "dbprep", Password: "pw-" + randomHex(8)}
	runAs := ""
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("mysql"); err != nil {
			return nil, fmt.Errorf("running as root needs the mysql user: %w", err)
		}
		runAs = "mysql"
		exec.Command("chown", "-R", "mysql:mysql", dir).Run()
	}
	args := []string{"--no-defaults", "--datadir=" + filepath.Join(dir, "data"), "--auth-root-authentication-method=normal", "--skip-test-db"}
	if runAs != "" {
		args = append(args, "--user="+runAs)
	}
	if out, err := exec.Command(install, args...).CombinedOutput(); err != nil {
		m.Stop()
		return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
	}
	if m.Port, err = freePort(); err != nil {
		m.Stop()
		return nil, err
	}
	sargs := []string{"--no-defaults", "--datadir=" + filepath.Join(dir, "data"), "--socket=" + m.Socket, "--bind-address=127.0.0.1",
		"--port=" + strconv.Itoa(m.Port), "--pid-file=" + filepath.Join(dir, "pid"), "--log-error=" + filepath.Join(dir, "error.log"),
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin",
		"--max-connections=300"}
	if runAs != "" {
		sargs = append(sargs, "--user="+runAs)
	}
	m.cmd = exec.Command(server, sargs...)
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := m.cmd.Start(); err != nil {
		m.Stop()
		return nil, err
	}
	if err := m.waitReady(30 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		m.Stop()
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	if err := m.rootExec(fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", m.User, m.Password), fmt.Sprintf("GRANT ALL ON *.* TO '%s'@'%%' WITH GRANT OPTION", m.User)); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

// rootDB is a connection as root over the socket.
func (m *MariaDB) rootDB() (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "unix", m.Socket
	cfg.MultiStatements = true
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

func (m *MariaDB) rootExec(stmts ...string) error {
	db, err := m.rootDB()
	if err != nil {
		return err
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func (m *MariaDB) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		db, err := m.rootDB()
		if err == nil {
			err = db.PingContext(context.Background())
			db.Close()
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("MariaDB did not start: %w", err)
		}
		if m.cmd.ProcessState != nil {
			return errors.New("MariaDB exited")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// URL is a mysql:// URL for database db as User, with its password, over TCP.
func (m *MariaDB) URL(db string) string {
	return fmt.Sprintf("mysql://%s:%s@%s:%d/%s", url.PathEscape(m.User), url.PathEscape(m.Password), m.Host, m.Port, db)
}

// SocketURL is a mariadb:// URL for database db as root over the socket.
func (m *MariaDB) SocketURL(db string) string {
	return fmt.Sprintf("mariadb://root@localhost/%s?socket=%s", db, url.QueryEscape(m.Socket))
}

// Exec runs statements as root in database db ("" for none).
func (m *MariaDB) Exec(t testing.TB, db string, stmts ...string) {
	t.Helper()
	if db != "" {
		stmts = append([]string{"USE `" + db + "`"}, stmts...)
	}
	if err := m.rootExec(stmts...); err != nil {
		t.Fatal(err)
	}
}

// Query opens database db as root for a test's own reads.
func (m *MariaDB) Query(t testing.TB, db string) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "unix", m.Socket, db
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := sql.OpenDB(c)
	t.Cleanup(func() { d.Close() })
	return d
}

// Fresh creates a new empty database, dropped when the test ends, and
// returns its name.
func (m *MariaDB) Fresh(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), dbCounter.Add(1))
	m.Exec(t, "", "CREATE DATABASE `"+name+"`")
	t.Cleanup(func() { m.rootExec("DROP DATABASE IF EXISTS `" + name + "`") })
	return name
}

// Stop shuts the server down and removes its files.
func (m *MariaDB) Stop() {
	if m.cmd != nil && m.cmd.Process != nil && m.cmd.ProcessState == nil {
		m.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { m.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	os.RemoveAll(m.Dir)
}
