package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/dotenv"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/retry"
	"github.com/dbprep/dbprep/internal/sqlxconfig"
	"github.com/dbprep/dbprep/internal/store"
)

// session is one run of the command line: its streams and what it learns
// from the environment, .env and sqlx.toml.
type session struct {
	// prog is the program's engines and query checker.
	prog Program
	// args is the command line as given (without the program name), for
	// handing `vet` to dbprep-vet unchanged.
	args           []string
	stdin          io.Reader
	stdout, stderr io.Writer
	noDotenv       bool
	// helpWanted: the command line may print help (mayPrintHelp), so the
	// global flags are grouped under a category of their own.
	helpWanted bool
	dotenv     map[string]string
	config     sqlxconfig.Config
	// rawURL is the database URL in use, so errors can be scrubbed of its password.
	rawURL string
	// secretURLs are more URLs in use (vet's --engine-url), scrubbed too.
	secretURLs []string
	// member is the workspace member the command runs for (--workspace),
	// and dir its directory: relative paths (sqlx.toml, .env, Cargo.lock,
	// the migrations, a SQLite URL's file) are read there, as sqlx-cli run
	// in that directory would, without changing the process's. "" is the
	// working directory.
	member, dir string
	// memberSource and memberConfig are --workspace's --source and
	// --config, for every member: relative paths are the member's.
	memberSource, memberConfig string
	// unknownCommand is a command name that matched nothing.
	unknownCommand string
	// unknownIn is the help name of the command it was given to.
	unknownIn string
	// notesShown is set once the URL's notes are printed.
	notesShown bool
	// sqlxMain is sqlx 0.9's behaviour (compat 0.9).
	sqlxMain bool
	// compat is the sqlx release whose rules apply, and compatWhy why.
	compat    sqlxconfig.Compat
	compatWhy string
}

// load reads sqlx.toml and .env before a command's action runs (the
// global flags may stand after the command, so it runs with the command's
// own context).
func (s *session) load(c *cli.Context) error {
	if err := s.loadCompat(globalString(c, "sqlx-compat")); err != nil {
		return err
	}
	if s.member != "" {
		// A member reads its own sqlx.toml, or the one --config names.
		config := s.memberConfig
		if config != "" {
			config = s.path(config)
		}
		return s.loadFiles(config)
	}
	return s.loadFiles(globalString(c, "config"))
}

// loadFiles reads sqlx.toml (path, else the one in the working directory
// if there is one) and, unless --no-dotenv, the nearest .env.
func (s *session) loadFiles(path string) error {
	optional := false
	if path == "" {
		path, optional = s.path("sqlx.toml"), true
	}
	if path != os.DevNull {
		cfg, err := sqlxconfig.Load(path, optional)
		if err != nil {
			return err
		}
		s.config = cfg
	}
	if s.noDotenv {
		return nil
	}
	wd, err := s.wd()
	if err != nil {
		return err
	}
	if p := dotenv.Find(wd); p != "" {
		vars, err := dotenv.Load(p, os.LookupEnv)
		if err != nil {
			return fmt.Errorf("reading .env: %w (fix the line, or pass --no-dotenv)", err)
		}
		s.dotenv = vars
	}
	return nil
}

// loadCompat decides which sqlx release's rules apply: --sqlx-compat, else
// the sqlx that the nearest Cargo.lock locks (0.7 and 0.8 follow 0.8's
// rules), else 0.9, sqlx's stable release.
func (s *session) loadCompat(flag string) error {
	switch flag {
	case "0.8", "0.9":
		s.compat, s.compatWhy = sqlxconfig.Compat(flag), "--sqlx-compat "+flag
	case "":
		s.compat, s.compatWhy = sqlxconfig.Compat09, "the default: no Cargo.lock here locks sqlx"
		wd, err := s.wd()
		if err != nil {
			return err
		}
		v, path, err := sqlxconfig.LockedSqlx(wd)
		switch {
		case err != nil:
			fmt.Fprintf(s.stderr, "warning: %v; following sqlx 0.9's rules (pass --sqlx-compat to choose)\n", err)
		case v != "":
			s.compat, s.compatWhy = sqlxconfig.CompatOf(v), path+" locks sqlx "+v
		}
	default:
		return &exitError{code: ExitUsage, err: fmt.Errorf("--sqlx-compat %q: use 0.9 (sqlx's stable release, the default) or 0.8 (sqlx 0.8 and 0.7)", flag)}
	}
	s.sqlxMain = s.compat == sqlxconfig.Compat09
	return nil
}

// rules says which sqlx release's rules apply, and why.
func (s *session) rules() string {
	return fmt.Sprintf("sqlx %s rules (%s)", s.compat, s.compatWhy)
}

// wd is the directory the command runs in: the member's, else the
// process's working directory.
func (s *session) wd() (string, error) {
	if s.dir != "" {
		return s.dir, nil
	}
	return os.Getwd()
}

// path is p, a path as the user gives it, relative to the directory the
// command runs in.
func (s *session) path(p string) string {
	if s.dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.dir, p)
}

// getenv looks a variable up in the environment, then in .env: real
// environment values win, as with dotenvy.
func (s *session) getenv(key string) (string, bool) {
	if v, ok := os.LookupEnv(key); ok {
		return v, true
	}
	v, ok := s.dotenv[key]
	return v, ok
}

// errNoURL is a missing database URL.
var errNoURL = errors.New("no database URL")

// databaseURL resolves -D, then the URL variable (DATABASE_URL unless
// sqlx.toml names another), then .env.
func (s *session) databaseURL(c *cli.Context) (dburl.URL, error) {
	raw := globalString(c, "database-url")
	if raw == "" && isSet(globalContext(c, "database-url"), "database-url") {
		return dburl.URL{}, &exitError{code: ExitUsage, err: fmt.Errorf("%w: --database-url (-D) is empty: give a URL, or leave the flag out to use %s", errNoURL, s.config.URLVar())}
	}
	if raw == "" {
		raw, _ = s.getenv(s.config.URLVar())
	}
	if raw == "" && s.member != "" {
		return dburl.URL{}, fmt.Errorf("%w for %s: set %s (its sqlx.toml's [common] database-url-var, else DATABASE_URL), in the environment or in .env (e.g. %s=sqlite:db.sqlite3)",
			errNoURL, s.member, s.config.URLVar(), s.config.URLVar())
	}
	if raw == "" {
		return dburl.URL{}, fmt.Errorf("%w: pass --database-url (-D) or set %s, in the environment or in .env (e.g. %s=sqlite:db.sqlite3)",
			errNoURL, s.config.URLVar(), s.config.URLVar())
	}
	s.rawURL = raw
	u, err := dburl.Parse(raw)
	if err == nil && u.SQLite.Path != "" && !u.SQLite.Memory {
		// A relative file is the member's (sqlx-cli opens it from where it runs).
		u.SQLite.Path = s.path(u.SQLite.Path)
	}
	if err == nil && !s.notesShown {
		s.notesShown = true
		for _, n := range u.Notes() {
			fmt.Fprintf(s.stderr, "warning: %s\n", n)
		}
	}
	return u, err
}

// source is --source (or a dev shell's DBPREP_SOURCE), else sqlx.toml's
// migrations-dir, else "migrations". A workspace member takes
// --workspace's --source (memberSource), never DBPREP_SOURCE, which names
// one member's migrations, not every member's.
func (s *session) source(c *cli.Context) string {
	if s.member != "" && s.memberSource != "" {
		return s.memberSource
	}
	if v := globalString(c, "source"); v != "" && s.member == "" {
		return v
	}
	if v := s.config.Migrate.MigrationsDir; v != "" {
		return v
	}
	return "migrations"
}

func (s *session) migrations(c *cli.Context) ([]migration.Migration, error) {
	return s.resolver(c)()
}

// resolver is migrations to run later, from another goroutine: it reads
// the command's flags now.
func (s *session) resolver(c *cli.Context) func() ([]migration.Migration, error) {
	dir, opts := s.source(c), migration.Options{IgnoredChars: s.config.Ignored()}
	return func() ([]migration.Migration, error) { return migration.ResolveDirAs(s.path(dir), dir, opts) }
}

// open connects to the database of the command's URL.
func (s *session) open(c *cli.Context) (store.Store, dburl.URL, error) {
	return s.openContext(c.Context, c, s.waiting)
}

// openContext is open with its own context and its own receiver of
// waiting notices, for connecting while something else runs.
func (s *session) openContext(ctx context.Context, c *cli.Context, onWait func(string)) (store.Store, dburl.URL, error) {
	u, err := s.databaseURL(c)
	if err != nil {
		return nil, u, err
	}
	st, err := s.prog.Engines.Open(ctx, u, store.OpenConfig{
		Options:        store.Options{Table: s.config.Table(), SQLiteNoTx: s.sqlxMain},
		ConnectTimeout: connectTimeout(c),
		CreateSchemas:  s.config.Migrate.CreateSchemas,
		OnWait:         onWait,
	})
	return st, u, err
}

// waiting tells stderr that connecting waits for a server, and which flag
// sets how long.
func (s *session) waiting(msg string) { fmt.Fprintf(s.stderr, "%s (--connect-timeout)\n", msg) }

func (s *session) printf(format string, args ...any) {
	fmt.Fprintf(s.stdout, format, args...)
}

const defaultConnectTimeout = retry.DefaultTimeout

// globalContext is the innermost context of c's lineage where the global
// flag name was given, else c.
func globalContext(c *cli.Context, name string) *cli.Context {
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && isSet(ctx, name) {
			return ctx
		}
	}
	return c
}

// isSet is ctx.IsSet(name) for a global flag, from the names set in ctx:
// urfave/cli's IsSet runs a regular expression over every name of every
// flag of the command each time it is asked.
func isSet(ctx *cli.Context, name string) bool {
	for _, n := range ctx.LocalFlagNames() {
		if n == name || globalAliases[n] == name {
			return true
		}
	}
	return false
}

// globalAliases maps each alias of a global flag to its name ("D" to
// "database-url").
var globalAliases = map[string]string{"D": "database-url"}

func globalString(c *cli.Context, name string) string {
	return globalContext(c, name).String(name)
}

func connectTimeout(c *cli.Context) time.Duration {
	if v, ok := globalContext(c, "connect-timeout").Generic("connect-timeout").(*seconds); ok {
		return v.d
	}
	return defaultConnectTimeout
}

// seconds is a duration flag that takes whole seconds, as sqlx-cli's
// --connect-timeout does, or a Go duration.
type seconds struct{ d time.Duration }

func (s *seconds) Set(v string) error {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		s.d = time.Duration(n) * time.Second
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("not a number of seconds or a duration such as 500ms")
	}
	s.d = d
	return nil
}

func (s *seconds) String() string {
	if s == nil {
		return ""
	}
	return s.d.String()
}
