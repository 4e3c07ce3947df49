// Package nixtest runs dbprep's flake and nix/ library with real Nix against
// the stand-in package set in standin/ (nixpkgs cannot be fetched here).
package nixtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// nixConfig is what the tests need of Nix whatever /etc/nix/nix.conf says.
// Who builds is left to nix.conf and the daemon: .ci/run makes builds run
// as unprivileged build users through a nix-daemon (NIX_REMOTE=daemon), as
// real Nix does.
const nixConfig = "experimental-features = nix-command flakes\nsandbox = false\nsubstituters =\n"

var repoRoot, _ = filepath.Abs("../..")

// runID is this test process's mark on every derivation the stand-in makes
// (see standin/pkgs.nix): each run builds afresh, as on a new machine, and
// finds its own build logs. Without it, a store kept from an earlier run
// holds the outputs already: the goModules derivation reads the module
// proxy from a new temporary directory each run, so its .drv differs, but
// as a fixed-output derivation its output path does not, nor do the paths
// of what depends on it; Nix builds nothing, and `nix log` of the new .drv
// finds no log.
var runID = fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())

func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nix is required in CI (apt-get install nix-bin)")
		}
		t.Skip("nix is not installed")
	}
}

// copyTree copies the repository's files (tracked, and untracked but not
// ignored) to dst, as a flake sees them.
func copyTree(t *testing.T, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		src := filepath.Join(repoRoot, f)
		info, err := os.Lstat(src)
		if err != nil || info.IsDir() {
			continue // deleted in the work tree, or a submodule
		}
		p := filepath.Join(dst, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if info.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err == nil {
				err = os.Symlink(target, p)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// env is one test's world: a copy of the repository as a flake, and the
// stand-in nixpkgs configured for this machine.
type env struct {
	flake, standin string
}

func newEnv(t *testing.T) env {
	t.Helper()
	requireNix(t)
	dir := t.TempDir()
	e := env{flake: filepath.Join(dir, "flake"), standin: filepath.Join(dir, "standin")}
	copyTree(t, e.flake)
	os.MkdirAll(e.standin, 0o755)
	for _, f := range []string{"flake.nix", "lib.nix", "pkgs.nix", "build-go-module.nix", "setup.sh", "crane.nix"} {
		data, err := os.ReadFile(filepath.Join("standin", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(e.standin, f), data, 0o644)
	}
	goBin, _ := exec.LookPath("go")
	pgBin := "/nonexistent/postgresql/bin"
	if initdb, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(initdb) > 0 {
		pgBin = filepath.Dir(initdb[len(initdb)-1])
	}
	config := fmt.Sprintf("{ bash = %q; path = %q; go = %q; goProxy = %q; goCache = %q; pgBin = %q; run = %q; }\n",
		"/bin/bash", filepath.Dir(goBin)+":/usr/local/bin:/usr/bin:/bin", goBin, goProxy(t), goCache(t), pgBin, runID)
	os.WriteFile(filepath.Join(e.standin, "config.nix"), []byte(config), 0o644)
	return e
}

func (e env) override() []string {
	return []string{"--override-input", "nixpkgs", "path:" + e.standin, "--no-write-lock-file"}
}

// nix runs nix and returns its stdout; it fails the test on error.
func nix(t *testing.T, args ...string) string {
	t.Helper()
	out, err := nixErr(args...)
	if err != nil {
		t.Fatalf("nix %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func nixErr(args ...string) (string, error) { return nixTool("nix", args...) }

// nixTool runs a Nix command (nix, nix-store, nix-shell) with the tests'
// configuration, and on failure returns the end of its stderr in the error:
// a failing Nix call always says why.
func nixTool(name string, args ...string) (string, error) {
	c := exec.Command(name, args...)
	c.Env = append(os.Environ(), "NIX_CONFIG="+nixConfig)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(stderr.String(), 4000))
	}
	return stdout.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// eval evaluates attr of the flake copy to a raw string.
func (e env) eval(t *testing.T, attr string) string {
	t.Helper()
	return nix(t, append([]string{"eval", "--raw", "path:" + e.flake + "#" + attr}, e.override()...)...)
}

// build builds attr of the flake copy and returns its out path.
func (e env) build(t *testing.T, attr string, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{"build", "--json", "--no-link", "path:" + e.flake + "#" + attr}, e.override()...)
	out, err := nixErr(append(args, extra...)...)
	if err != nil {
		return "", err
	}
	var res []struct {
		Outputs map[string]string `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		return "", fmt.Errorf("nix build --json: %q: %v", out, err)
	}
	return res[0].Outputs["out"], nil
}

// expr evaluates a Nix expression in which `pkgs` is the stand-in package
// set and `dbprep` the library of the flake copy, to a raw string.
func (e env) expr(t *testing.T, body string) string {
	t.Helper()
	return nix(t, "eval", "--impure", "--raw", "--expr", e.wrap(body))
}

// wrap puts body in scope of pkgs, dbprep, src and craneLib, the stand-in
// for crane (standin/crane.nix) (see expr).
func (e env) wrap(body string) string {
	return fmt.Sprintf(`let
  pkgs = (builtins.getFlake "path:%[1]s").legacyPackages.${builtins.currentSystem};
  dbprep = import %[2]s/nix { inherit pkgs; };
  src = %[2]s/examples/mycrate/migrations;
  craneLib = import %[1]s/crane.nix { inherit (pkgs) mkDerivation runCommand; };
in %[3]s`, e.standin, e.flake, body)
}

func system(t *testing.T) string {
	return strings.TrimSpace(nix(t, "eval", "--impure", "--raw", "--expr", "builtins.currentSystem"))
}

// runDir is a directory this test process makes once, on first use, for
// all its tests; TestMain removes it.
type runDir struct {
	once sync.Once
	dir  string
	err  error
}

var runDirs []*runDir

// get makes the directory with prefix on the first call, then fills it
// with fill, and returns it.
func (r *runDir) get(t *testing.T, prefix string, fill func(dir string) error) string {
	t.Helper()
	r.once.Do(func() {
		if r.dir, r.err = os.MkdirTemp("", prefix); r.err == nil {
			runDirs = append(runDirs, r)
			r.err = fill(r.dir)
		}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.dir
}

var goProxyDir, goCacheDir runDir

// goProxy is a copy of the host's module download cache that any user can
// read, for the stand-in's goModules derivation to use as a file proxy: a
// build user cannot read root's module cache.
func goProxy(t *testing.T) string {
	return goProxyDir.get(t, "dbprep-nixtest-goproxy-", func(dir string) error {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			return err
		}
		src := filepath.Join(strings.TrimSpace(string(out)), "cache", "download") + "/."
		if b, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
			return fmt.Errorf("copying the module cache: %v\n%s", err, b)
		}
		if b, err := exec.Command("chmod", "-R", "a+rX", dir).CombinedOutput(); err != nil {
			return fmt.Errorf("%v\n%s", err, b)
		}
		return nil
	})
}

// goCache is the Go build cache that every stand-in Go build of this test
// run shares (see standin/build-go-module.nix): empty at the start of the
// run, so its first build compiles everything, as on a new machine. Owned
// by the nixbld group and setgid, so that what one build user writes there
// (group-writable: the stand-in's go runs with umask 002) every other can
// rewrite.
func goCache(t *testing.T) string {
	return goCacheDir.get(t, "dbprep-nixtest-gocache-", func(dir string) error {
		mode := os.FileMode(0o777)
		if out, err := exec.Command("chgrp", "nixbld", dir).CombinedOutput(); err == nil {
			mode = 0o775 | os.ModeSetgid
		} else if os.Getenv("NIX_REMOTE") == "daemon" {
			return fmt.Errorf("chgrp nixbld %s: %v\n%s", dir, err, out)
		}
		return os.Chmod(dir, mode)
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, r := range runDirs {
		exec.Command("chmod", "-R", "u+w", r.dir).Run()
		os.RemoveAll(r.dir)
	}
	os.Exit(code)
}
