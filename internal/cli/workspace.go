package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dbprep/dbprep/internal/workspace"
)

// workspaceCommands are the commands --workspace runs once in each member,
// and what --out-dir names each member's file (empty: no --out-dir).
// Commands that drop or revert are not among them: a workspace-wide undo
// is one command a user should type member by member.
var workspaceCommands = map[string]string{
	"database create": "", "database setup": "",
	"migrate run": "", "migrate info": "", "migrate check": "", "migrate lint": "",
	"prepare": ".sqlite3", "schema": ".sql",
}

// runWorkspace runs the command of args (without --workspace) in each
// member of the workspace below the working directory, as sqlx-cli run in
// that directory would: its sqlx.toml, its migrations, its URL variable.
// Every line of output starts with the member's name. The first failure
// stops the run (migrate check's drift does not: every member is checked);
// members before it stay done, each migration whole, as a run in each
// directory would leave them.
func runWorkspace(ctx context.Context, p Program, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "error: "+format+"\n", a...)
		return code
	}
	w, err := parseWorkspaceArgs(args)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		return fail(ExitError, "%v", err)
	}
	if w.outDir != "" {
		// Each member runs in its own directory: a relative --out-dir is
		// the workspace root's, an absolute one stays as given.
		if !filepath.IsAbs(w.outDir) {
			w.outDir = filepath.Join(root, w.outDir)
		}
		if err := os.MkdirAll(w.outDir, 0o755); err != nil {
			return fail(ExitError, "--out-dir: %v", err)
		}
	}
	members, err := workspace.Find(root)
	if err != nil {
		return fail(ExitError, "finding the workspace's members: %v", err)
	}
	code, ran := ExitOK, 0
	for i, m := range members {
		c, skipped := w.runMember(ctx, p, root, m, stdin, stdout, stderr)
		if skipped {
			continue
		}
		ran++
		switch {
		case c == ExitDrift:
			code = ExitDrift
		case c != ExitOK:
			var rest []string
			for _, n := range members[i+1:] {
				rest = append(rest, n.Name)
			}
			msg := fmt.Sprintf("workspace: %s failed (in %s)", m.Name, m.Dir)
			if len(rest) > 0 {
				msg += "; not run: " + strings.Join(rest, ", ")
			}
			return fail(c, "%s", msg)
		}
	}
	if ran == 0 {
		return fail(ExitError, "workspace: no member below %s has a migrations directory (members are the root Cargo.toml's [workspace] members and the directories with a sqlx.toml or a migrations/ directory)", root)
	}
	return code
}

// workspaceRun is a --workspace command line, read.
type workspaceRun struct {
	// args are the command line each member runs, without --out-dir,
	// --source and --config.
	args []string
	// ext is the file extension of the command's output ("" for none).
	ext string
	// outDir, source and config are --out-dir, --source and --config:
	// source and config, when relative, are each member's.
	outDir, source, config string
}

// parseWorkspaceArgs reads a --workspace command line (without
// --workspace), refusing what has no meaning for every member at once.
func parseWorkspaceArgs(args []string) (workspaceRun, error) {
	var w workspaceRun
	path := commandPath(NewApp(&session{}), args)
	ext, ok := workspaceCommands[strings.Join(path, " ")]
	if !ok {
		return w, fmt.Errorf("--workspace runs %s; not %q", workspaceList(), strings.Join(path, " "))
	}
	w.ext = ext
	var err error
	for _, f := range []struct {
		name string
		to   *string
	}{{"out-dir", &w.outDir}, {"source", &w.source}, {"config", &w.config}} {
		if args, *f.to, err = cutFlag(args, f.name); err != nil {
			return w, err
		}
	}
	w.args = args
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		switch name {
		case "D", "database-url":
			return w, fmt.Errorf("--workspace takes each member's URL from its own variable (sqlx.toml's [common] database-url-var, else DATABASE_URL): leave out %s", a)
		case "o", "out":
			return w, fmt.Errorf("--workspace writes one file per member: use --out-dir DIR instead of --%s", name)
		case "format":
			if value != "text" {
				return w, fmt.Errorf("--workspace prints text only (each line starts with the member's name): leave out --format")
			}
		}
	}
	switch {
	case ext == "" && w.outDir != "":
		return w, errors.New("--out-dir is for prepare and schema")
	case path[0] == "prepare" && w.outDir == "":
		return w, errors.New("prepare --workspace needs --out-dir DIR: each member's database is written to DIR/<member>.sqlite3")
	}
	return w, nil
}

// runMember runs the command in member m, its lines prefixed with its
// name; skipped when m has no migrations directory.
func (w workspaceRun) runMember(ctx context.Context, p Program, root string, m workspace.Member, stdin io.Reader, stdout, stderr io.Writer) (code int, skipped bool) {
	dir := filepath.Join(root, filepath.FromSlash(m.Dir))
	migrations := filepath.Join(dir, filepath.FromSlash(m.Migrations))
	if w.source != "" {
		migrations = w.source
		if !filepath.IsAbs(migrations) {
			migrations = filepath.Join(dir, migrations)
		}
	}
	if fi, err := os.Stat(migrations); err != nil || !fi.IsDir() {
		name := m.Migrations
		if w.source != "" {
			name = w.source
		}
		fmt.Fprintf(stderr, "%s: skipped: no %s directory in %s\n", m.Name, name, m.Dir)
		return 0, true
	}
	args := slices.Clone(w.args)
	if w.outDir != "" {
		args = append(args, "--out", filepath.Join(w.outDir, m.Name+w.ext))
	}
	out, errOut := &prefixed{w: stdout, prefix: m.Name + ": "}, &prefixed{w: stderr, prefix: m.Name + ": "}
	defer out.Flush()
	defer errOut.Flush()
	return run(ctx, &session{prog: p, args: args, stdin: stdin, stdout: out, stderr: errOut,
		member: m.Name, dir: dir, memberSource: w.source, memberConfig: w.config}), false
}

// workspaceList names the commands --workspace runs.
func workspaceList() string {
	var names []string
	for n := range workspaceCommands {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// cutFlag takes --NAME VALUE (or --NAME=VALUE, or one dash) out of args.
func cutFlag(args []string, name string) ([]string, string, error) {
	var out []string
	value := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--"+name || a == "-"+name:
			if i+1 >= len(args) {
				return nil, "", fmt.Errorf("--%s needs a value", name)
			}
			value = args[i+1]
			i++
		case strings.HasPrefix(a, "--"+name+"=") || strings.HasPrefix(a, "-"+name+"="):
			_, value, _ = strings.Cut(a, "=")
		default:
			out = append(out, a)
		}
	}
	return out, value, nil
}

// commandPath is the command of args by its names (aliases resolved):
// ["migrate", "run"].
func commandPath(app *cli.App, args []string) []string {
	cmds, _ := findCommand(app, args)
	var path []string
	for _, c := range cmds {
		path = append(path, c.Name)
	}
	return path
}

// prefixed writes each line to w after prefix.
type prefixed struct {
	w      io.Writer
	prefix string
	buf    bytes.Buffer
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.buf.Write(b)
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil {
			p.buf.Write(line) // the unfinished line waits for its end
			return len(b), nil
		}
		if _, err := fmt.Fprintf(p.w, "%s%s", p.prefix, line); err != nil {
			return len(b), err
		}
	}
}

// Flush writes an unfinished last line.
func (p *prefixed) Flush() {
	if p.buf.Len() > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf.String())
		p.buf.Reset()
	}
}

// outDirFlag is --out-dir, which --workspace reads (runWorkspace takes it
// out of the command line before each member's run).
func outDirFlag(ext string) cli.Flag {
	return &cli.StringFlag{Name: "out-dir", Usage: "with --workspace: write each member's file to DIR/<member>" + ext}
}

// noOutDir refuses --out-dir without --workspace.
func noOutDir(c *cli.Context) error {
	if c.IsSet("out-dir") {
		return &exitError{code: ExitUsage, err: errors.New("--out-dir goes with --workspace (one file per member); for one database, use --out FILE")}
	}
	return nil
}
