package vet

import (
	"flag"
	"fmt"
	"strings"
	"sync"

	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/querycheck"
)

// Config is one run of the query checker, built once by its caller: the
// command line from its flags (Check), dbprep-vet's main from go vet's
// environment (EnvConfig) and then go vet's -dbprep.* flags (New binds
// them). The analyzer reads no environment of its own.
type Config struct {
	// Database is the default database: the one the files that declare no
	// engine, or its engine, are checked against.
	Database string
	// EngineURLs are the databases of the files that declare another
	// engine (//dbprep:engine, a build tag), by engine.
	EngineURLs map[engine.Engine]string
	// EngineTags map build tags to the engine they declare; nil is
	// DefaultEngineTags.
	EngineTags map[string]engine.Engine
	// Null is the NULL check's mode (NullOff, NullDefault, NullStrict);
	// empty is NullDefault.
	Null string
	// SqlxMapper is how sqlx names an untagged field (MapperLower,
	// MapperSnake, MapperUnknown); empty reads it from each package.
	SqlxMapper string
	// Open opens a checker on a database's URL (Opener).
	Open OpenFunc
}

// EnvConfig is the configuration go vet's environment gives: the default
// database in DATABASE_URL and the others in $DBPREP_VET_ENGINE_URLS
// (EngineURLsEnv). getenv is os.Getenv in a program.
func EnvConfig(getenv func(string) string, open OpenFunc) (Config, error) {
	cfg := Config{Database: getenv("DATABASE_URL"), Open: open}
	urls, err := ParseEngineURLs(strings.Fields(getenv(EngineURLsEnv)))
	if err != nil {
		return Config{}, fmt.Errorf("$%s (pairs separated by spaces): %v", EngineURLsEnv, err)
	}
	cfg.EngineURLs = urls
	return cfg, nil
}

// ParseEngineURLs reads ENGINE=URL pairs, a later pair for an engine
// winning; an error never holds a URL.
func ParseEngineURLs(pairs []string) (map[engine.Engine]string, error) {
	out := map[engine.Engine]string{}
	for _, pair := range pairs {
		e, raw, err := parseEngineURL(pair)
		if err != nil {
			return nil, err
		}
		out[e] = raw
	}
	return out, nil
}

// ParseEngineTags reads TAG=ENGINE pairs over the default tags.
func ParseEngineTags(pairs []string) (map[string]engine.Engine, error) {
	tags := DefaultEngineTags()
	for _, s := range pairs {
		if err := setEngineTag(tags, s); err != nil {
			return nil, err
		}
	}
	return tags, nil
}

func setEngineTag(tags map[string]engine.Engine, s string) error {
	tag, name, ok := strings.Cut(s, "=")
	if !ok || tag == "" {
		return fmt.Errorf("%q: give TAG=ENGINE, e.g. pgx=postgres", s)
	}
	e, err := ParseEngine(name)
	if err != nil {
		return err
	}
	tags[tag] = e
	return nil
}

// checkNull and checkMapper validate a mode.
func checkNull(s string) error {
	switch s {
	case NullOff, NullDefault, NullStrict:
		return nil
	}
	return fmt.Errorf("unknown null mode %q: use off, default or strict", s)
}

func checkMapper(s string) error {
	switch s {
	case MapperLower, MapperSnake, MapperUnknown:
		return nil
	}
	return fmt.Errorf("unknown sqlx mapper %q: use lower, snake or unknown", s)
}

// bindFlags makes go vet's -dbprep.* flags set c.
func (c *Config) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Database, "database", c.Database, "the database URL to check queries against (default $DATABASE_URL)")
	fs.Func("engine-url", "ENGINE=URL: the database for files of ENGINE (sqlite, postgres or mysql) when it is not the default database's; repeatable", func(s string) error {
		e, raw, err := parseEngineURL(s)
		if err == nil {
			if c.EngineURLs == nil {
				c.EngineURLs = map[engine.Engine]string{}
			}
			c.EngineURLs[e] = raw
		}
		return err
	})
	fs.Func("engine-tag", "TAG=ENGINE: files whose build constraint requires TAG hold ENGINE's queries (default: sqlite, sqlite3 → sqlite; postgres, postgresql, pg → postgres; mysql, mariadb → mysql); repeatable", func(s string) error {
		if c.EngineTags == nil {
			c.EngineTags = DefaultEngineTags()
		}
		return setEngineTag(c.EngineTags, s)
	})
	fs.Func("null", "what to report of a column that can be NULL scanned into a value that cannot hold it: off, default (no NOT NULL and no DEFAULT, outer joins, aggregates over no rows) or strict (also columns with a DEFAULT)", func(s string) error {
		if err := checkNull(s); err != nil {
			return err
		}
		c.Null = s
		return nil
	})
	fs.Func("sqlx-mapper", "how jmoiron/sqlx names a struct field without a db tag: lower (sqlx's default), snake (RangeID is range_id) or unknown (field names not checked); default: what the package sets with MapperFunc or Mapper, else lower", func(s string) error {
		if err := checkMapper(s); err != nil {
			return err
		}
		c.SqlxMapper = s
		return nil
	})
}

// checkers opens each engine's database once, on first need.
type checkers struct {
	cfg *Config
	mu  sync.Mutex
	by  map[engine.Engine]opened
}

type opened struct {
	c   *querycheck.Checker
	err error
}

// get is the checker of e's database (e 0: the default database), nil
// when no database was given for e.
func (cs *checkers) get(e engine.Engine) (*querycheck.Checker, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if o, ok := cs.by[e]; ok {
		return o.c, o.err
	}
	var o opened
	if e == 0 {
		o.c, o.err = cs.cfg.Open(cs.cfg.Database)
	} else if raw, ok := cs.cfg.EngineURLs[e]; ok {
		if o.c, o.err = cs.cfg.Open(raw); o.err == nil && o.c.Engine != e {
			o.err = fmt.Errorf("the database given for %s (-engine-url, or $%s) is a %s database", e, EngineURLsEnv, o.c.Engine)
		}
	}
	if cs.by == nil {
		cs.by = map[engine.Engine]opened{}
	}
	cs.by[e] = o
	return o.c, o.err
}
