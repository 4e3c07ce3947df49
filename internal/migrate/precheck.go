package migrate

import (
	"context"

	"github.com/dbprep/dbprep/internal/migration"
)

// Prechecker is a store that refuses, before anything runs, migrations
// it knows it cannot apply (MySQL: a DELIMITER line, a description its
// ledger cannot store).
type Prechecker interface {
	Precheck(ctx context.Context, pending []*migration.Migration) error
}

// precheck asks a Prechecker about the migrations p would apply.
func (m *Migrator) precheck(ctx context.Context, opts Options, p *plan) error {
	pc, ok := m.Store.(Prechecker)
	if !ok || opts.DryRun {
		return nil
	}
	var pending []*migration.Migration
	for i := range m.Migrations {
		mig := &m.Migrations[i]
		if _, done := p.applied[mig.Version]; done || mig.Type.IsDown() || opts.Target != nil && mig.Version > *opts.Target {
			continue
		}
		pending = append(pending, mig)
	}
	if len(pending) == 0 {
		return nil
	}
	return pc.Precheck(ctx, pending)
}
