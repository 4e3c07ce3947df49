package vet

import (
	"context"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dbprep/dbprep/internal/engines"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/vet/finding"
)

// Check is `dbprep vet` on the engines of set: see check.
func Check(set engines.Set) finding.Check {
	return func(ctx context.Context, r finding.Request) (finding.Report, error) { return check(ctx, set, r) }
}

// check loads the packages r names, with their tests if asked, and checks
// their queries against r.URL. Packages that do not build are an error, as
// are patterns matching none.
func check(ctx context.Context, set engines.Set, r finding.Request) (finding.Report, error) {
	var opened []*querycheck.Checker
	defer func() {
		for _, c := range opened {
			c.Close()
		}
	}()
	open := Opener(set, querycheck.Options{ConnectTimeout: r.ConnectTimeout, OnWait: r.OnWait})
	cfg := Config{Database: r.URL, Null: r.Null, SqlxMapper: r.SqlxMapper, Open: func(raw string) (*querycheck.Checker, error) {
		ch, err := open(raw)
		if ch != nil {
			opened = append(opened, ch)
		}
		return ch, err
	}}
	var err error
	if cfg.EngineURLs, err = ParseEngineURLs(r.EngineURLs); err != nil {
		return finding.Report{}, fmt.Errorf("--engine-url: %w", err)
	}
	if cfg.EngineTags, err = ParseEngineTags(r.EngineTags); err != nil {
		return finding.Report{}, fmt.Errorf("--engine-tag: %w", err)
	}
	pkgs, err := load(ctx, r)
	if err != nil {
		return finding.Report{}, err
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{New(cfg)}, pkgs, nil)
	if err != nil {
		return finding.Report{}, err
	}
	return collect(graph)
}

// load loads the packages r names, with their syntax and types; packages
// that do not build (a test file too, with r.Tests) are an error, as go
// vet makes them.
func load(ctx context.Context, r finding.Request) ([]*packages.Package, error) {
	patterns := r.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax, Context: ctx, Tests: r.Tests}
	if r.Tags != "" {
		cfg.BuildFlags = []string{"-tags=" + r.Tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return nil, fmt.Errorf("the packages do not build, so their queries cannot be checked:\n%s", strings.Join(loadErrs, "\n"))
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no Go packages match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// report gathers the findings and counts of an analysis, each once: a
// package and its test variant share files.
type report struct {
	rep    finding.Report
	wd     string
	seen   map[string]bool
	counts map[string]*finding.PackageCount
}

// collect is the report of graph's roots.
func collect(graph *checker.Graph) (finding.Report, error) {
	wd, _ := os.Getwd()
	r := &report{wd: wd, seen: map[string]bool{}, counts: map[string]*finding.PackageCount{}}
	for _, act := range graph.Roots {
		if act.Err != nil {
			return finding.Report{}, act.Err
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			p := finding.Problem{Position: r.pos(fset.Position(d.Pos)), Message: d.Message}
			if r.once(p.String()) {
				r.rep.Problems = append(r.rep.Problems, p)
			}
		}
		if s, ok := act.Result.(*Skipped); ok && s != nil {
			r.add(strings.TrimSuffix(act.Package.PkgPath, "_test"), s)
		}
	}
	for _, c := range r.counts {
		r.rep.Packages = append(r.rep.Packages, *c)
	}
	sort.Slice(r.rep.Packages, func(i, j int) bool { return r.rep.Packages[i].Path < r.rep.Packages[j].Path })
	r.rep.Sort()
	return r.rep, nil
}

// pos is p relative to the working directory when it lies under it.
func (r *report) pos(p token.Position) finding.Position {
	if rel, err := filepath.Rel(r.wd, p.Filename); err == nil && !strings.HasPrefix(rel, "..") {
		p.Filename = rel
	}
	return finding.Position{File: p.Filename, Line: p.Line, Column: p.Column}
}

// once says whether key is new.
func (r *report) once(key string) bool {
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	return true
}

// add counts one package's checked and skipped calls.
func (r *report) add(path string, s *Skipped) {
	c, ok := r.counts[path]
	if !ok {
		c = &finding.PackageCount{Path: path}
		r.counts[path] = c
	}
	for _, call := range s.Calls {
		if p := r.pos(call); r.once("skip " + p.String()) {
			r.rep.Skipped = append(r.rep.Skipped, p)
			c.Skipped++
		}
	}
	for _, call := range s.NoDatabase {
		if p := r.pos(call.Pos); r.once("skip " + p.String()) {
			r.rep.Skipped = append(r.rep.Skipped, p)
			if r.rep.SkipReasons == nil {
				r.rep.SkipReasons = map[string]string{}
			}
			r.rep.SkipReasons[p.String()] = call.Why
			c.Skipped++
		}
	}
	for _, call := range s.Checked {
		if p := r.pos(call); r.once("checked " + p.String()) {
			c.Checked++
		}
	}
}
