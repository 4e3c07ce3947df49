package migrate

import (
	"context"
	"errors"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
)

// State is where one migration stands against the ledger.
type State string

const (
	Installed State = "installed"
	Pending   State = "pending"
	// Modified is installed with a different checksum.
	Modified State = "modified"
	// Missing is in the ledger but not among the files.
	Missing State = "missing"
)

// Entry is one migration's status.
type Entry struct {
	Version     int64  `json:"version"`
	Description string `json:"description"`
	Type        string `json:"type"`
	State       State  `json:"state"`
	File        string `json:"file,omitempty"`
	Checksum    HexSum `json:"checksum,omitempty"`
	Applied     HexSum `json:"applied_checksum,omitempty"`
	NoTx        bool   `json:"no_transaction,omitempty"`
}

// Status is the database against the migrations directory.
type Status struct {
	Table string `json:"table"`
	// Dirty is the smallest version recorded with success = false.
	Dirty *int64 `json:"dirty"`
	// DirtyLeft says what the dirty migration left, where the store can
	// tell (PostgreSQL: the indexes it creates CONCURRENTLY).
	DirtyLeft []string `json:"dirty_left,omitempty"`
	Entries   []Entry  `json:"migrations"`
	// NoLedger is true when the database has no ledger table (and none was
	// created): every migration is pending.
	NoLedger bool `json:"no_ledger,omitempty"`
}

// Count returns how many entries are in state s.
func (st Status) Count(s State) int {
	n := 0
	for _, e := range st.Entries {
		if e.State == s {
			n++
		}
	}
	return n
}

// UpToDate is true when nothing is pending, missing, modified or dirty.
func (st Status) UpToDate() bool {
	return st.Dirty == nil && st.Count(Pending)+st.Count(Missing)+st.Count(Modified) == 0
}

// Status compares the ledger with the migrations, as `sqlx migrate info`
// does, and adds the applied versions that have no file (Missing) in version
// order. Like sqlx's, it creates the ledger table when it is missing,
// unless readOnly (migrate check, which never writes); where it cannot (a
// read-only database), it reports every migration pending, as it does
// with readOnly.
func (m *Migrator) Status(ctx context.Context, readOnly bool) (Status, error) {
	st := Status{Table: m.table()}
	if sn, ok := m.Store.(ledger.LedgerReader); ok {
		// One query where the ledger is there; where it is not (an error),
		// the catalog says so below.
		if snap, err := sn.ReadLedger(ctx); err == nil {
			if snap.HasDirty {
				st.Dirty = &snap.Dirty
				st.DirtyLeft = m.leftovers(ctx, snap.Dirty)
			}
			return m.compare(st, snap.Rows), nil
		}
	}
	has, err := m.Store.HasLedger(ctx)
	if err != nil {
		return st, err
	}
	if !has && !readOnly {
		if err := m.Store.EnsureLedger(ctx); err != nil && !errors.Is(err, ledger.ErrReadOnly) {
			return st, err
		} else if err != nil {
			readOnly = true
		}
	}
	if !has && readOnly {
		st.NoLedger = true
		for i := range m.Migrations {
			if mig := &m.Migrations[i]; !mig.Type.IsDown() {
				st.Entries = append(st.Entries, entryFor(mig, nil))
			}
		}
		return st, nil
	}
	if v, ok, err := m.Store.Dirty(ctx); err != nil {
		return st, err
	} else if ok {
		st.Dirty = &v
		st.DirtyLeft = m.leftovers(ctx, v)
	}
	rows, err := m.Store.Applied(ctx)
	if err != nil {
		return st, err
	}
	return m.compare(st, rows), nil
}

// compare adds to st an entry for each migration and each applied version
// without one.
func (m *Migrator) compare(st Status, rows []ledger.Applied) Status {
	applied := make(map[int64][]byte, len(rows))
	for _, r := range rows {
		applied[r.Version] = r.Checksum
	}
	local := map[int64]bool{}
	for i := range m.Migrations {
		mig := &m.Migrations[i]
		local[mig.Version] = true
		if mig.Type.IsDown() {
			continue
		}
		st.Entries = append(st.Entries, entryFor(mig, applied))
	}
	for _, r := range rows {
		if !local[r.Version] {
			st.Entries = insertSorted(st.Entries, Entry{Version: r.Version, State: Missing, Applied: r.Checksum})
		}
	}
	return st
}

// Leftovers is a Store that can say what a dirty migration left.
type Leftovers interface {
	Leftovers(ctx context.Context, m *migration.Migration) ([]string, error)
}

// leftovers asks the store what migration v (not its down file) left;
// an error is told as a line, since the report is best effort.
func (m *Migrator) leftovers(ctx context.Context, v int64) []string {
	l, ok := m.Store.(Leftovers)
	if !ok {
		return nil
	}
	for i := range m.Migrations {
		if mig := &m.Migrations[i]; mig.Version == v && !mig.Type.IsDown() {
			out, err := l.Leftovers(ctx, mig)
			if err != nil {
				out = append(out, "could not tell what it left: "+err.Error())
			}
			return out
		}
	}
	return nil
}

func entryFor(mig *migration.Migration, applied map[int64][]byte) Entry {
	e := Entry{
		Version: mig.Version, Description: mig.Description, Type: mig.Type.String(),
		State: Pending, File: mig.File, Checksum: mig.Checksum, NoTx: mig.NoTx,
	}
	if sum, ok := applied[mig.Version]; ok {
		e.State, e.Applied = Installed, sum
		if string(sum) != string(mig.Checksum) {
			e.State = Modified
		}
	}
	return e
}

func insertSorted(es []Entry, e Entry) []Entry {
	i := len(es)
	for i > 0 && es[i-1].Version > e.Version {
		i--
	}
	es = append(es, Entry{})
	copy(es[i+1:], es[i:])
	es[i] = e
	return es
}
