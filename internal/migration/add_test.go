package migration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func names(paths []string) string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return strings.Join(out, ",")
}

func TestAdd(t *testing.T) {
	now := time.Date(2026, 11, 21, 20, 30, 5, 0, time.FixedZone("X", 5*3600))
	tests := []struct {
		name     string
		existing map[string]string
		desc     string
		opts     AddOptions
		want     string
	}{
		{"empty dir: timestamp, simple", nil, "create users", AddOptions{}, "20261121153005_create_users.sql"},
		{"empty dir, -r", nil, "x", AddOptions{Reversible: true}, "20261121153005_x.up.sql,20261121153005_x.down.sql"},
		{"empty dir, -s", nil, "x", AddOptions{Sequential: true}, "0001_x.sql"},
		{"after 0001: sequential", map[string]string{"0001_a.sql": ""}, "b", AddOptions{}, "0002_b.sql"},
		{"after 0000: sequential", map[string]string{"0000_a.sql": ""}, "b", AddOptions{}, "0001_b.sql"},
		{"after 0005 alone: timestamp", map[string]string{"0005_a.sql": ""}, "b", AddOptions{}, "20261121153005_b.sql"},
		{"two consecutive: sequential", map[string]string{"0003_a.sql": "", "0004_b.sql": ""}, "c", AddOptions{}, "0005_c.sql"},
		{"two timestamps: timestamp", map[string]string{"20211209212234_a.sql": "", "20211209212255_b.sql": ""}, "c", AddOptions{}, "20261121153005_c.sql"},
		{"pairs count once (0.8)", map[string]string{"0001_a.up.sql": "", "0001_a.down.sql": "", "0002_b.up.sql": "", "0002_b.down.sql": ""}, "c", AddOptions{}, "0003_c.up.sql,0003_c.down.sql"},
		{"-r ignored once a simple exists (0.8)", map[string]string{"0001_a.sql": ""}, "b", AddOptions{Reversible: true}, "0002_b.sql"},
		{"-s after timestamps", map[string]string{"20211209212234_a.sql": ""}, "b", AddOptions{Sequential: true}, "20211209212235_b.sql"},
		{"-t after sequential", map[string]string{"0001_a.sql": "", "0002_b.sql": ""}, "c", AddOptions{Timestamp: true}, "20261121153005_c.sql"},
		// sqlx main (--sqlx-compat 0.9)
		{"main: type follows the last", map[string]string{"0001_a.sql": "", "0002_b.up.sql": "", "0002_b.down.sql": ""}, "c", AddOptions{SqlxMain: true, Sequential: true}, "0003_c.up.sql,0003_c.down.sql"},
		{"main: -r wins", map[string]string{"0001_a.sql": ""}, "b", AddOptions{SqlxMain: true, Reversible: true}, "0002_b.up.sql,0002_b.down.sql"},
		{"main: --simple wins", map[string]string{"0001_a.up.sql": "", "0001_a.down.sql": ""}, "b", AddOptions{SqlxMain: true, Simple: true, Sequential: true}, "0002_b.sql"},
		{"main: a pair infers timestamp", map[string]string{"0001_a.up.sql": "", "0001_a.down.sql": "", "0002_b.up.sql": "", "0002_b.down.sql": ""}, "c", AddOptions{SqlxMain: true}, "20261121153005_c.up.sql,20261121153005_c.down.sql"},
		{"main: simple files sequential", map[string]string{"0001_a.sql": "", "0002_b.sql": ""}, "c", AddOptions{SqlxMain: true}, "0003_c.sql"},
		// sqlx.toml [migrate.defaults]
		{"defaults: reversible", map[string]string{"0001_a.sql": "", "0002_b.sql": ""}, "c", AddOptions{SqlxMain: true, DefaultType: "reversible"}, "0003_c.up.sql,0003_c.down.sql"},
		{"defaults: simple over the last pair", map[string]string{"0001_a.up.sql": "", "0001_a.down.sql": ""}, "b", AddOptions{SqlxMain: true, DefaultType: "simple", Sequential: true}, "0002_b.sql"},
		{"defaults: -r over simple", nil, "a", AddOptions{SqlxMain: true, DefaultType: "simple", Reversible: true}, "20261121153005_a.up.sql,20261121153005_a.down.sql"},
		{"defaults: inferred is the last's type", map[string]string{"0001_a.up.sql": "", "0001_a.down.sql": ""}, "b", AddOptions{SqlxMain: true, DefaultType: "inferred", Sequential: true}, "0002_b.up.sql,0002_b.down.sql"},
		{"defaults: sequential", map[string]string{"20211209212234_a.sql": ""}, "b", AddOptions{SqlxMain: true, DefaultVersioning: "sequential"}, "20211209212235_b.sql"},
		{"defaults: sequential in an empty dir", nil, "a", AddOptions{SqlxMain: true, DefaultVersioning: "sequential"}, "0001_a.sql"},
		{"defaults: timestamp over consecutive", map[string]string{"0001_a.sql": "", "0002_b.sql": ""}, "c", AddOptions{SqlxMain: true, DefaultVersioning: "timestamp"}, "20261121153005_c.sql"},
		{"defaults: timestamp wins over -s, as in sqlx-cli", map[string]string{"0001_a.sql": ""}, "b", AddOptions{SqlxMain: true, DefaultVersioning: "timestamp", Sequential: true}, "20261121153005_b.sql"},
		{"defaults: -t over sequential", map[string]string{"0001_a.sql": ""}, "b", AddOptions{SqlxMain: true, DefaultVersioning: "sequential", Timestamp: true}, "20261121153005_b.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.existing)
			tt.opts.Now = now
			got, err := Add(dir, tt.desc, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if names(got) != tt.want {
				t.Errorf("created %s, want %s", names(got), tt.want)
			}
			for _, p := range got {
				n, _, _ := ParseName(filepath.Base(p))
				data, _ := os.ReadFile(p)
				if string(data) != n.Type.Template() {
					t.Errorf("%s holds %q, want the %s template", p, data, n.Type)
				}
			}
		})
	}
}

func TestAddErrors(t *testing.T) {
	dir := t.TempDir()
	now := time.Unix(0, 0)
	if _, err := Add(dir, "x", AddOptions{Sequential: true, Timestamp: true, Now: now}); err == nil {
		t.Error("-s with -t must fail")
	}
	if _, err := Add(dir, "x", AddOptions{Reversible: true, Simple: true, SqlxMain: true, Now: now}); err == nil {
		t.Error("-r with --simple must fail")
	}
	if _, err := Add(dir, "  ", AddOptions{Now: now}); err == nil {
		t.Error("an empty description must fail")
	}
	if _, err := Add(dir, "../escape", AddOptions{Now: now}); err == nil {
		t.Error("a path in the description must fail")
	}
	first, err := Add(dir, "x", AddOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(first[0], []byte("edited"), 0o644)
	// The same name again: a new version, the first file untouched.
	if again, err := Add(dir, "x", AddOptions{Timestamp: true, Now: now}); err != nil || again[0] == first[0] {
		t.Errorf("a second add at the same time: %v %v", again, err)
	}
	if b, _ := os.ReadFile(first[0]); string(b) != "edited" {
		t.Error("an existing file must not be overwritten")
	}
	nested := filepath.Join(dir, "new", "migrations")
	if got, err := Add(nested, "first", AddOptions{Now: now}); err != nil || len(got) != 1 {
		t.Errorf("the directory is created: %v %v", got, err)
	}
}

// Two `migrate add` in the same second never give one version twice.
func TestAddSameSecond(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2024, 1, 2, 3, 4, 59, 0, time.UTC)
	var names []string
	for _, d := range []string{"first", "second", "third"} {
		files, err := Add(dir, d, AddOptions{Timestamp: true, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(files[0]))
	}
	want := []string{"20240102030459_first.sql", "20240102030500_second.sql", "20240102030501_third.sql"}
	if !slices.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}
	ms, err := ResolveDir(dir, Options{})
	if err != nil || CheckDuplicates(ms) != nil {
		t.Errorf("%v %v", err, CheckDuplicates(ms))
	}
}

// migrate add runs the duplicate check: a directory with two files of one
// version gets no third migration until that is fixed.
func TestAddRefusesDuplicates(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1_a.sql"), []byte("SELECT 1;\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "1_b.sql"), []byte("SELECT 1;\n"), 0o644)
	if _, err := Add(dir, "c", AddOptions{Now: time.Now()}); err == nil || !strings.Contains(err.Error(), "duplicate migration version 1") {
		t.Errorf("want the duplicate refused, got %v", err)
	}
}
