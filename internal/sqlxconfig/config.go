// Package sqlxconfig reads the parts of sqlx's sqlx.toml that change what a
// ledger looks like or where things are: [common] database-url-var and
// [migrate] table-name, migrations-dir, ignored-chars, create-schemas and
// defaults. Like sqlx main (deny_unknown_fields), it refuses keys it does
// not know, with a did-you-mean; [macros] and [drivers.postgres|mysql] are
// the macros' business and pass unread. [drivers.sqlite]
// unsafe-load-extensions is refused: dbprep cannot load SQLite extensions.
package sqlxconfig

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/dbprep/dbprep/internal/ledger"
)

// DefaultTable is sqlx's ledger table name.
const DefaultTable = ledger.DefaultTable

// Config is what dbprep uses of sqlx.toml. The zero value is sqlx's default.
type Config struct {
	Common struct {
		DatabaseURLVar string `toml:"database-url-var"`
	} `toml:"common"`
	Migrate struct {
		TableName     string   `toml:"table-name"`
		MigrationsDir string   `toml:"migrations-dir"`
		IgnoredChars  []string `toml:"ignored-chars"`
		CreateSchemas []string `toml:"create-schemas"`
		Defaults      struct {
			MigrationType       string `toml:"migration-type"`
			MigrationVersioning string `toml:"migration-versioning"`
		} `toml:"defaults"`
	} `toml:"migrate"`
	Drivers struct {
		SQLite struct {
			// Names, or { path, entrypoint } tables, as in sqlx 0.9.
			UnsafeLoadExtensions []any `toml:"unsafe-load-extensions"`
		} `toml:"sqlite"`
		Postgres map[string]any `toml:"postgres"`
		MySQL    map[string]any `toml:"mysql"`
		// External is [drivers.external."<driver>"]: external drivers'
		// keys, which sqlx leaves to the driver; dbprep reads none.
		External map[string]any `toml:"external"`
	} `toml:"drivers"`
	Macros map[string]any `toml:"macros"`
}

// identifier is a plain SQL name, optionally schema-qualified. sqlx splices
// table-name into its SQL unquoted; dbprep does the same, so that the stored
// schema text matches, and accepts only names that need no quoting.
// Compiled on first use: a program's start-up pays for no regexp.
var identifier = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)
})

// Load reads path. A missing file is not an error when optional is true.
func Load(path string, optional bool) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return c, nil
		}
		return c, fmt.Errorf("reading %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse reads sqlx.toml text; name is the file's name, for errors.
func Parse(data []byte, name string) (Config, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return c, fmt.Errorf("%s is not valid sqlx.toml: %w", name, err)
	}
	if err := unknownKeys(md.Undecoded()); err != nil {
		return c, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.validate(); err != nil {
		return c, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func (c Config) validate() error {
	if exts := c.Drivers.SQLite.UnsafeLoadExtensions; len(exts) > 0 {
		return fmt.Errorf("[drivers.sqlite] unsafe-load-extensions %v: dbprep cannot load SQLite extensions "+
			"(its SQLite is pure Go, without extension loading); a migration that needs one fails with \"no such function\". "+
			"Remove the key, or apply such migrations with sqlx-cli", exts)
	}
	if t := c.Migrate.TableName; t != "" && !identifier().MatchString(t) {
		return fmt.Errorf("[migrate] table-name %q: use letters, digits and _ only, optionally as schema.table", t)
	}
	for _, s := range c.Migrate.CreateSchemas {
		if !identifier().MatchString(s) {
			return fmt.Errorf("[migrate] create-schemas entry %q: use letters, digits and _ only", s)
		}
	}
	for _, s := range c.Migrate.IgnoredChars {
		if utf8.RuneCountInString(s) != 1 {
			return fmt.Errorf("[migrate] ignored-chars entry %q: each entry must be exactly one character, such as \"\\r\"", s)
		}
	}
	switch c.Migrate.Defaults.MigrationType {
	case "", "inferred", "simple", "reversible":
	default:
		return fmt.Errorf("[migrate.defaults] migration-type %q: use inferred, simple or reversible", c.Migrate.Defaults.MigrationType)
	}
	switch c.Migrate.Defaults.MigrationVersioning {
	case "", "inferred", "timestamp", "sequential":
	default:
		return fmt.Errorf("[migrate.defaults] migration-versioning %q: use inferred, timestamp or sequential", c.Migrate.Defaults.MigrationVersioning)
	}
	return nil
}

// Table is the ledger table name.
func (c Config) Table() string {
	if c.Migrate.TableName != "" {
		return c.Migrate.TableName
	}
	return DefaultTable
}

// Ignored is ignored-chars as runes.
func (c Config) Ignored() []rune {
	var out []rune
	for _, s := range c.Migrate.IgnoredChars {
		r, _ := utf8.DecodeRuneInString(s)
		out = append(out, r)
	}
	return out
}

// URLVar is the environment variable holding the database URL.
func (c Config) URLVar() string {
	if c.Common.DatabaseURLVar != "" {
		return c.Common.DatabaseURLVar
	}
	return "DATABASE_URL"
}
