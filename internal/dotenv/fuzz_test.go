package dotenv

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B = 'x'\n# c\n", "C=\"a\\nb ${A}\"\n", "D='unterminated\n", "=x", "E=$F${G}\r\nH=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		vars, err := Parse(text, func(string) (string, bool) { return "", false })
		if err != nil {
			if !strings.Contains(err.Error(), "KEY=value") {
				t.Fatalf("error without advice: %v", err)
			}
			return
		}
		for k := range vars {
			if !keyPattern().MatchString(k) {
				t.Fatalf("accepted key %q", k)
			}
		}
	})
}
