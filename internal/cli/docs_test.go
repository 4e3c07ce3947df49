package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// The documents a user or contributor reads, relative to the repository.
var documents = []string{
	"README.md", "CONTRIBUTING.md", "bench/README.md", "nix/API.md",
	"docs/cli.md", "docs/nix.md", "docs/go-api.md", "docs/vet.md", "docs/guarantees.md", "docs/sqlx-compat.md",
	"template/README.md", "template-postgres/README.md",
}

var (
	// markdownLink is [text](target).
	markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	// codeSpan is `…` on one line; fenced blocks are read line by line.
	codeSpan = regexp.MustCompile("`([^`\n]+)`")
	// commandLine is dbprep followed by what it is given, as a shell runs
	// it: not dbprep-vet, not a path such as cmd/dbprep.
	commandLine = regexp.MustCompile(`(?:^|[\s$(;|&]|/bin/)dbprep((?: +[^\s;|&)]+)*)`)
)

// Every relative link of every document names a file that exists, and
// every `dbprep …` command line in its code (code spans and fenced blocks)
// names commands dbprep has and flags those commands take.
func TestDocumentsNameWhatExists(t *testing.T) {
	root := filepath.Join("..", "..")
	app := NewApp(&session{stdout: io.Discard, stderr: io.Discard, helpWanted: true})
	app.Setup()
	for _, doc := range documents {
		data, err := os.ReadFile(filepath.Join(root, doc))
		if os.IsNotExist(err) && strings.HasPrefix(doc, "template") {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, m := range markdownLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(root, filepath.Dir(doc), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, m[1])
			}
		}
		for _, code := range codeOf(text) {
			for _, m := range commandLine.FindAllStringSubmatch(code, -1) {
				if msg := checkCommandLine(app, strings.Fields(m[1])); msg != "" {
					t.Errorf("%s: `dbprep%s`: %s", doc, m[1], msg)
				}
			}
		}
	}
}

// codeOf is the code of a Markdown text: its code spans, and the lines of
// its fenced blocks.
func codeOf(text string) []string {
	var code []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			code = append(code, line)
			continue
		}
		for _, m := range codeSpan.FindAllStringSubmatch(line, -1) {
			code = append(code, m[1])
		}
	}
	return code
}

// checkCommandLine walks args through app's commands and checks every flag
// against the command reached: "" when all is known, else what is not.
// Placeholders ([-r], A|B, VALUE) are read as the docs write them: brackets
// dropped, `|` going back to the command before the alternatives.
func checkCommandLine(app *cli.App, args []string) string {
	var path []*cli.Command
	commands := app.Commands
	flags := app.Flags
	positional := false
	for _, a := range args {
		a = strings.Trim(a, "[]\\`'\"")
		switch {
		case a == "" || a == "|" || a == "\\|":
			if len(path) > 0 {
				path = path[:len(path)-1]
				commands, flags = app.Commands, app.Flags
				if len(path) > 0 {
					commands, flags = path[len(path)-1].Subcommands, path[len(path)-1].Flags
				}
			}
			positional = false
		case strings.HasPrefix(a, "-") && len(a) > 1 && a != "--":
			name := strings.TrimLeft(a, "-")
			name, _, _ = strings.Cut(name, "=")
			if !hasFlag(flags, name) && !hasFlag(app.Flags, name) && name != "help" && name != "h" {
				return "no flag --" + name + " here"
			}
		case !positional && strings.ToLower(a) == a && !strings.ContainsAny(a, "./:<>${}…=0123456789'"):
			var next *cli.Command
			for _, c := range commands {
				if c.HasName(a) {
					next = c
				}
			}
			if next == nil {
				if len(commands) > 0 {
					return "no command " + a
				}
				positional = true
				continue
			}
			path = append(path, next)
			commands, flags = next.Subcommands, next.Flags
		default:
			positional = true
		}
	}
	return ""
}

func hasFlag(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}
