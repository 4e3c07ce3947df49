package sqlxconfig

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"[migrate]\ntable-name = \"x\"\n", "[common]\ndatabase-url-var = \"A\"\n", "[migrate]\nignored-chars = [\"\\r\"]\n", "[migrate\n", "a = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse([]byte(text), "sqlx.toml")
		if err != nil {
			if !strings.Contains(err.Error(), "sqlx.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if !identifier().MatchString(c.Table()) {
			t.Fatalf("accepted table name %q", c.Table())
		}
		if len(c.Ignored()) != len(c.Migrate.IgnoredChars) {
			t.Fatalf("ignored-chars %q", c.Migrate.IgnoredChars)
		}
	})
}
