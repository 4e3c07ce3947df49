package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dbprep/dbprep/internal/migrate"
)

// sqlxWords are sqlx-cli's words for each action (a revert is "Applied"
// too: "Applied 1/revert first").
var sqlxWords = map[migrate.Action]string{
	migrate.Applied: "Applied", migrate.Reverted: "Applied", migrate.WouldRun: "Can apply", migrate.Skipped: "Skipped",
	migrate.AlreadyApplied: "Already applied", migrate.AlreadyReverted: "Already reverted", migrate.Recorded: "Skipped on request",
}

// printEvent prints a progress line as sqlx-cli does:
// "Applied 20211209212234/migrate first (1.2ms)".
func (s *session) printEvent(e migrate.Event) {
	m := e.Migration
	s.printf("%s %d/%s %s (%s)\n", sqlxWords[e.Action], m.Version, m.Type.Label(), m.Description, rustDuration(e.Elapsed))
}

// printInfo prints `migrate info` as sqlx-cli does, plus the applied
// versions whose files are gone and a dirty version, which sqlx leaves out.
func (s *session) printInfo(st migrate.Status) {
	for _, e := range st.Entries {
		switch e.State {
		case migrate.Installed, migrate.Pending:
			s.printf("%d/%s %s\n", e.Version, e.State, e.Description)
		case migrate.Modified:
			s.printf("%d/installed (different checksum) %s\n", e.Version, e.Description)
			s.printf("applied migration had checksum %s\n", e.Applied)
			s.printf("local migration has checksum %s\n", e.Checksum)
		case migrate.Missing:
			s.printf("%d/installed (missing: no file in the migrations directory)\n", e.Version)
		}
	}
	if st.Dirty != nil {
		s.printf("%d/dirty: partially applied (success = false in %s)\n", *st.Dirty, st.Table)
		for _, l := range st.DirtyLeft {
			s.printf("  %s\n", l)
		}
	}
}

type statusJSON struct {
	migrate.Status
	UpToDate bool           `json:"up_to_date"`
	Counts   map[string]int `json:"counts"`
	// SqlxCompat is the sqlx release whose rules apply ("0.9", "0.8").
	SqlxCompat string `json:"sqlx_compat"`
}

func (s *session) printJSON(st migrate.Status) error {
	if st.Entries == nil {
		st.Entries = []migrate.Entry{}
	}
	counts := map[string]int{}
	for _, state := range []migrate.State{migrate.Installed, migrate.Pending, migrate.Modified, migrate.Missing} {
		counts[string(state)] = st.Count(state)
	}
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(statusJSON{Status: st, UpToDate: st.UpToDate(), Counts: counts, SqlxCompat: string(s.compat)})
}

// driftError says what `migrate check` found, one line per problem.
func driftError(st migrate.Status) error {
	var lines []string
	if st.Dirty != nil {
		lines = append(lines, fmt.Sprintf("dirty: migration %d is partially applied (started, not finished)", *st.Dirty))
		for _, l := range st.DirtyLeft {
			lines = append(lines, "  "+l)
		}
	}
	for _, e := range st.Entries {
		switch e.State {
		case migrate.Pending:
			lines = append(lines, fmt.Sprintf("pending: %d %s (%s)", e.Version, e.Description, e.File))
		case migrate.Modified:
			lines = append(lines, fmt.Sprintf("modified: %d %s (%s) differs from what was applied", e.Version, e.Description, e.File))
		case migrate.Missing:
			lines = append(lines, fmt.Sprintf("missing: %d was applied but has no file", e.Version))
		}
	}
	return errors.New("the database does not match the migrations:\n  " + strings.Join(lines, "\n  "))
}

// rustDuration formats d as Rust's Debug for Duration does (sqlx-cli's
// output): "0ns", "950µs", "1.234567ms", "2.5s".
func rustDuration(d time.Duration) string {
	n := d.Nanoseconds()
	unit, scale := "ns", int64(1)
	switch {
	case n >= 1e9:
		unit, scale = "s", 1e9
	case n >= 1e6:
		unit, scale = "ms", 1e6
	case n >= 1e3:
		unit, scale = "µs", 1e3
	}
	whole, frac := n/scale, n%scale
	if frac == 0 {
		return fmt.Sprintf("%d%s", whole, unit)
	}
	digits := len(fmt.Sprint(scale)) - 1
	return fmt.Sprintf("%d.%s%s", whole, strings.TrimRight(fmt.Sprintf("%0*d", digits, frac), "0"), unit)
}
