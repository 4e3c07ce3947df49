// Package migration reads a sqlx-style migrations directory: the file-name
// grammar, checksums and the "-- no-transaction" directive, exactly as sqlx
// resolves them (see docs/sqlx-compat.md §1–§3).
package migration

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is the kind of a migration file.
type Type int

const (
	// Simple is a plain NAME.sql file; it cannot be reverted.
	Simple Type = iota
	// ReversibleUp is the NAME.up.sql half of a reversible pair.
	ReversibleUp
	// ReversibleDown is the NAME.down.sql half of a reversible pair.
	ReversibleDown
)

// Suffix is the file-name ending of the type.
func (t Type) Suffix() string {
	switch t {
	case ReversibleUp:
		return ".up.sql"
	case ReversibleDown:
		return ".down.sql"
	}
	return ".sql"
}

// Label is the word sqlx-cli prints for the type: "migrate" or "revert".
func (t Type) Label() string {
	if t == ReversibleDown {
		return "revert"
	}
	return "migrate"
}

// IsDown reports whether the type is the down half of a pair.
func (t Type) IsDown() bool { return t == ReversibleDown }

// IsReversible reports whether the type belongs to an up/down pair.
func (t Type) IsReversible() bool { return t != Simple }

// Template is the content sqlx-cli writes into a new file of this type.
func (t Type) Template() string {
	switch t {
	case ReversibleUp:
		return "-- Add up migration script here\n"
	case ReversibleDown:
		return "-- Add down migration script here\n"
	}
	return "-- Add migration script here\n"
}

func (t Type) String() string {
	return [...]string{"simple", "up", "down"}[t]
}

// Name is what a file name says about a migration.
type Name struct {
	Version     int64
	Type        Type
	Description string
}

// ParseName applies sqlx's file-name grammar. ok is false for names sqlx
// skips silently (no "_", or not ending in ".sql"); err is non-nil for a
// *_*.sql name whose prefix is not an i64, which fails the whole directory.
func ParseName(name string) (n Name, ok bool, err error) {
	prefix, rest, found := strings.Cut(name, "_")
	if !found || !strings.HasSuffix(rest, ".sql") {
		return Name{}, false, nil
	}
	v, err := parseI64(prefix)
	if err != nil {
		return Name{}, false, fmt.Errorf("error parsing migration filename %q; expected integer version prefix (e.g. `01_foo.sql`)", name)
	}
	t := Simple
	switch {
	case strings.HasSuffix(rest, ReversibleUp.Suffix()):
		t = ReversibleUp
	case strings.HasSuffix(rest, ReversibleDown.Suffix()):
		t = ReversibleDown
	}
	desc := rest
	for strings.HasSuffix(desc, t.Suffix()) { // Rust's trim_end_matches strips repeatedly
		desc = strings.TrimSuffix(desc, t.Suffix())
	}
	return Name{Version: v, Type: t, Description: strings.ReplaceAll(desc, "_", " ")}, true, nil
}

// parseI64 accepts what Rust's i64::from_str accepts: an optional sign and
// one or more ASCII digits, no spaces, no underscores, no overflow.
func parseI64(s string) (int64, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	if len(s)-len(digits) > 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}
