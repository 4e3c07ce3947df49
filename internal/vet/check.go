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
	a := New(func(raw string) (*querycheck.Checker, error) {
		ch, err := open(raw)
		if ch != nil {
			opened = append(opened, ch)
		}
		return ch, err
	})
	a.Flags.Set("database", r.URL)
	for _, u := range r.EngineURLs {
		if err := a.Flags.Set("engine-url", u); err != nil {
			return finding.Report{}, fmt.Errorf("--engine-url: %w", err)
		}
	}
	for _, t := range r.EngineTags {
		if err := a.Flags.Set("engine-tag", t); err != nil {
			return finding.Report{}, fmt.Errorf("--engine-tag: %w", err)
		}
	}
	if r.Null != "" {
		if err := a.Flags.Set("null", r.Null); err != nil {
			return finding.Report{}, fmt.Errorf("--null: %w", err)
		}
	}
	if r.SqlxMapper != "" {
		if err := a.Flags.Set("sqlx-mapper", r.SqlxMapper); err != nil {
			return finding.Report{}, fmt.Errorf("--sqlx-mapper: %w", err)
		}
	}
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
		return finding.Report{}, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return finding.Report{}, fmt.Errorf("the packages do not build, so their queries cannot be checked:\n%s", strings.Join(loadErrs, "\n"))
	}
	if len(pkgs) == 0 {
		return finding.Report{}, fmt.Errorf("no Go packages match %s", strings.Join(patterns, " "))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		return finding.Report{}, err
	}
	wd, _ := os.Getwd()
	pos := func(p token.Position) finding.Position {
		if r, err := filepath.Rel(wd, p.Filename); err == nil && !strings.HasPrefix(r, "..") {
			p.Filename = r
		}
		return finding.Position{File: p.Filename, Line: p.Line, Column: p.Column}
	}
	// A package and its test variant share files: each finding once.
	seen := map[string]bool{}
	counts := map[string]*finding.PackageCount{}
	var rep finding.Report
	for _, act := range graph.Roots {
		if act.Err != nil {
			return finding.Report{}, act.Err
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			p := finding.Problem{Position: pos(fset.Position(d.Pos)), Message: d.Message}
			if !seen[p.String()] {
				seen[p.String()] = true
				rep.Problems = append(rep.Problems, p)
			}
		}
		if s, ok := act.Result.(*Skipped); ok && s != nil {
			path := strings.TrimSuffix(act.Package.PkgPath, "_test")
			if _, ok := counts[path]; !ok {
				counts[path] = &finding.PackageCount{Path: path}
			}
			for _, c := range s.Calls {
				if p := pos(c); !seen["skip "+p.String()] {
					seen["skip "+p.String()] = true
					rep.Skipped = append(rep.Skipped, p)
					counts[path].Skipped++
				}
			}
			for _, c := range s.NoDatabase {
				if p := pos(c.Pos); !seen["skip "+p.String()] {
					seen["skip "+p.String()] = true
					rep.Skipped = append(rep.Skipped, p)
					if rep.SkipReasons == nil {
						rep.SkipReasons = map[string]string{}
					}
					rep.SkipReasons[p.String()] = c.Why
					counts[path].Skipped++
				}
			}
			for _, c := range s.Checked {
				if p := pos(c); !seen["checked "+p.String()] {
					seen["checked "+p.String()] = true
					counts[path].Checked++
				}
			}
		}
	}
	for _, c := range counts {
		rep.Packages = append(rep.Packages, *c)
	}
	sort.Slice(rep.Packages, func(i, j int) bool { return rep.Packages[i].Path < rep.Packages[j].Path })
	rep.Sort()
	return rep, nil
}
