package sqlxconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// knownKeys lists, for each table dbprep reads, the keys sqlx defines in it.
var knownKeys = map[string][]string{
	"":                 {"common", "migrate", "drivers", "macros"},
	"common":           {"database-url-var"},
	"migrate":          {"table-name", "migrations-dir", "ignored-chars", "create-schemas", "defaults"},
	"migrate.defaults": {"migration-type", "migration-versioning"},
	"drivers":          {"sqlite", "postgres", "mysql", "external"},
	"drivers.sqlite":   {"unsafe-load-extensions"},
}

// unknownKeys refuses the first key the decoder did not use, as sqlx main's
// deny_unknown_fields does, naming the closest known key.
func unknownKeys(undecoded []toml.Key) error {
	undecoded = slices.DeleteFunc(undecoded, passesUnread)
	if len(undecoded) == 0 {
		return nil
	}
	k := undecoded[0]
	table, key := strings.Join(k[:len(k)-1], "."), k[len(k)-1]
	where := "at the top level"
	if table != "" {
		where = "in [" + table + "]"
	}
	err := fmt.Sprintf("unknown key %q %s", key, where)
	if guess := closest(key, knownKeys[table]); guess != "" {
		err += fmt.Sprintf(": did you mean %q?", guess)
	} else if known := knownKeys[table]; len(known) > 0 {
		err += fmt.Sprintf(" (sqlx knows %s)", strings.Join(known, ", "))
	}
	return fmt.Errorf("%s; sqlx refuses unknown keys too", err)
}

// passesUnread is a key of the sections dbprep leaves to sqlx's macros.
func passesUnread(k toml.Key) bool {
	return len(k) > 1 && k[0] == "macros" ||
		len(k) > 2 && k[0] == "drivers" && (k[1] == "postgres" || k[1] == "mysql" || k[1] == "external") ||
		len(k) > 3 && k[0] == "drivers" && k[1] == "sqlite" && k[2] == "unsafe-load-extensions"
}

// closest is the known key nearest to key: the same once '_' is read as '-'
// and case is ignored, else within two edits, else one holding the other or
// sharing its first five letters ("migrations" for "migrate").
func closest(key string, known []string) string {
	norm := strings.ToLower(strings.ReplaceAll(key, "_", "-"))
	best, bestDist := "", 3
	for _, k := range known {
		if k == norm {
			return k
		}
		if d := editDistance(norm, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return best
	}
	for _, k := range known {
		if strings.Contains(k, norm) || strings.Contains(norm, k) || commonPrefix(k, norm) >= 5 {
			return k
		}
	}
	return ""
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
