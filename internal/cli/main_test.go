package cli_test

import (
	"os"
	"testing"

	"github.com/dbprep/dbprep/internal/testbin"
)

// The tests drive the real binary, built once, in temporary directories.
func TestMain(m *testing.M) { testbin.Main(m, "../..") }

type (
	cmd    = testbin.Cmd
	result = testbin.Result
)

func project(t *testing.T, files map[string]string) string { return testbin.Project(t, files) }

var twoMigrations = map[string]string{
	"migrations/20211209212234_first.sql":  "CREATE TABLE users (favorite_song TEXT);\n",
	"migrations/20211209212255_second.sql": "ALTER TABLE users ADD favorite_color TEXT;\n",
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
