package vet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/store"
)

// FullVersion is dbprep-vet's answer to go vet's `-V=full` question. go vet
// keys its cache of each package's findings on that answer, so it holds a
// digest of everything a verdict depends on: the program's own bytes, the
// database engine and the schema of cfg's default database (go vet's
// environment: $DATABASE_URL, EnvConfig) as `dbprep schema` renders it,
// and of each of its other engines' databases ($DBPREP_VET_ENGINE_URLS). A schema change then makes go vet check again
// instead of replaying findings made against the old schema.
//
// Without a database, or with one that cannot be read, the digest is new
// on every run: nothing is replayed from the cache, and the check itself
// reports the problem. The form is cmd/go's for a development build:
// "NAME version devel … buildID=ID".
func FullVersion(progname string, set engines.Set, cfg Config) string {
	h := sha256.New()
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			io.Copy(h, f)
			f.Close()
		}
	}
	digest := func(label, raw string) {
		if kind, schema, err := schemaOf(set, raw); err == nil {
			fmt.Fprintf(h, "\x00%s %s\x00%s", label, kind, schema)
		} else {
			var nonce [16]byte
			rand.Read(nonce[:])
			fmt.Fprintf(h, "\x00no schema %x", nonce)
		}
	}
	digest("engine", cfg.Database)
	for _, e := range set {
		if raw, ok := cfg.EngineURLs[e.Name()]; ok {
			digest("engine-url", raw)
		}
	}
	return fmt.Sprintf("%s version devel dbprep-schema-digest buildID=%x", progname, h.Sum(nil))
}

// schemaOf renders the schema of the database at raw.
func schemaOf(set engines.Set, raw string) (engine.Engine, string, error) {
	if raw == "" {
		return 0, "", fmt.Errorf("no DATABASE_URL")
	}
	u, err := dburl.Parse(raw)
	if err != nil {
		return 0, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := set.Open(ctx, u, store.OpenConfig{})
	if err != nil {
		return 0, "", err
	}
	defer st.Close()
	d, ok := st.(store.Dumper)
	if !ok {
		return 0, "", fmt.Errorf("%s cannot render its schema", u.Engine)
	}
	text, err := d.DumpSchema(ctx)
	return u.Engine, text, err
}

// EngineURLsEnv names the variable that gives the databases of the other
// engines under go vet ("postgres=URL sqlite=URL", separated by spaces):
// unlike -dbprep.engine-url, it reaches go vet's -V=full question too, so
// go vet's cache follows those databases' schemas as well.
const EngineURLsEnv = "DBPREP_VET_ENGINE_URLS"

// parseEngineURL reads ENGINE=URL; its error never holds the URL.
func parseEngineURL(s string) (engine.Engine, string, error) {
	name, raw, ok := strings.Cut(s, "=")
	if !ok || raw == "" {
		return 0, "", fmt.Errorf("%q: give ENGINE=URL, e.g. postgres=postgres://localhost/app", dburl.Scrub(s, raw))
	}
	e, err := ParseEngine(name)
	return e, raw, err
}
