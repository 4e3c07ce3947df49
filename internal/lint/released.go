package lint

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"
	"time"
)

// ReleasedAt reads what `--base BASE` names for the migrations directory
// dir: BASE itself when it is a directory (a checkout of the release, an
// unpacked tarball), else a git revision (a branch, a tag, a commit) of
// the repository dir is in, whose copy of dir is read with `git archive`
// (git on PATH; nothing in the work tree changes). A database as the
// release is the CLI's to open (Released.Ledger).
func ReleasedAt(ctx context.Context, base, dir string) (Released, error) {
	if info, err := os.Stat(base); err == nil && info.IsDir() {
		return Released{Name: base, FS: os.DirFS(base)}, nil
	}
	return releasedInGit(ctx, base, dir)
}

func releasedInGit(ctx context.Context, ref, dir string) (Released, error) {
	git := func(in string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = in
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return nil, fmt.Errorf("--base %s is no directory, and git, which would read it as a revision, is not installed", ref)
			}
			return nil, fmt.Errorf("--base %s: git %s: %v: %s", ref, args[0], err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	if _, err := os.Stat(dir); err != nil {
		return Released{}, fmt.Errorf("--base %s: reading %s from git needs it in a git work tree: %w", ref, dir, err)
	}
	out, err := git(dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return Released{}, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	top, sub := lines[0], ""
	if len(lines) > 1 {
		sub = strings.TrimSuffix(lines[1], "/")
	}
	if _, err := git(top, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return Released{}, fmt.Errorf("--base %s is neither a directory nor a git revision of the repository %s is in (fetch it first: git fetch origin; or name a tag, a branch or a commit)", ref, dir)
	}
	spec := ref + ":" + sub
	if kind, err := git(top, "cat-file", "-t", spec); err != nil || strings.TrimSpace(string(kind)) != "tree" {
		// Not there at the release: nothing of it was released.
		return Released{Name: ref, FS: fstest.MapFS{}}, nil
	}
	tarball, err := git(top, "archive", "--format=tar", spec)
	if err != nil {
		return Released{}, err
	}
	fsys, err := untar(tarball)
	if err != nil {
		return Released{}, fmt.Errorf("--base %s: reading git archive of %s: %w", ref, sub, err)
	}
	return Released{Name: ref, FS: fsys, Restore: func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "git checkout " + ref + " -- " + p
		}
		if rel, err := filepath.Rel(top, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return "git checkout " + ref + " -- :/" + filepath.ToSlash(rel)
		}
		return "git checkout " + ref + " -- " + p
	}}, nil
}

// untar reads the top level of a tar archive into a file system: files,
// and symbolic links to files of the same archive, read through as sqlx
// reads them.
func untar(data []byte) (fstest.MapFS, error) {
	files := fstest.MapFS{}
	links := map[string]string{}
	r := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name := path.Clean(h.Name)
		if strings.Contains(name, "/") {
			continue // sqlx reads the top level alone
		}
		switch h.Typeflag {
		case tar.TypeReg:
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, err
			}
			files[name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: time.Unix(0, 0)}
		case tar.TypeSymlink:
			links[name] = h.Linkname
		}
	}
	for name, target := range links {
		if f, ok := files[path.Clean(target)]; ok {
			files[name] = f
		}
	}
	return files, nil
}
