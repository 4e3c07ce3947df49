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
	"testing"
)

// nixConfig is what the tests need of Nix whatever /etc/nix/nix.conf says.
const nixConfig = "experimental-features = nix-command flakes\nsandbox = false\nbuild-users-group =\nsubstituters =\n"

var repoRoot, _ = filepath.Abs("../..")

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
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
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
	for _, f := range []string{"flake.nix", "lib.nix", "pkgs.nix", "build-go-module.nix", "setup.sh"} {
		data, err := os.ReadFile(filepath.Join("standin", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(e.standin, f), data, 0o644)
	}
	goBin, _ := exec.LookPath("go")
	modCache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	config := fmt.Sprintf("{ bash = %q; path = %q; go = %q; goModCache = %q; }\n",
		"/bin/bash", filepath.Dir(goBin)+":/usr/local/bin:/usr/bin:/bin", goBin, strings.TrimSpace(string(modCache)))
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

// wrap puts body in scope of pkgs, dbprep and src (see expr).
func (e env) wrap(body string) string {
	return fmt.Sprintf(`let
  pkgs = (builtins.getFlake "path:%s").legacyPackages.${builtins.currentSystem};
  dbprep = import %s/nix { inherit pkgs; };
  src = %s/examples/mycrate/migrations;
in %s`, e.standin, e.flake, e.flake, body)
}

func system(t *testing.T) string {
	return strings.TrimSpace(nix(t, "eval", "--impure", "--raw", "--expr", "builtins.currentSystem"))
}
