package querycheck

import (
	"fmt"

	"github.com/dbprep/dbprep/internal/sqlshape"
)

// Null is whether a result column can be NULL.
type Null int

const (
	// NullUnknown: it cannot be told (an expression, a filtered column, a
	// join the text does not show); never reported.
	NullUnknown Null = iota
	// NotNull: the column has NOT NULL (or is a primary key) and no outer
	// join or empty aggregate can make it NULL.
	NotNull
	// NullByDefault: the column has no NOT NULL but has a DEFAULT, so a
	// NULL is there only when a write gave one; sqlx's strict rule
	// (Option unless NOT NULL) counts it, and so does dbprep vet
	// --null=strict.
	NullByDefault
	// Nullable: a column without NOT NULL and without a DEFAULT, the
	// nullable side of an outer join, or an aggregate over no rows.
	Nullable
)

// origin is the table column a result column is, as the engine tells it.
type origin struct {
	table, column string
	// notNull counts a primary key (SQLite's rowid alias; PostgreSQL's
	// keys are NOT NULL).
	notNull, hasDefault bool
}

// decideNull says whether result column i of the statement whose shape is
// s can be NULL, and why: o is where the column comes from (nil for an
// expression).
func decideNull(s sqlshape.Shape, i int, o *origin) (Null, string) {
	if i < len(s.Items) && s.Items[i].Aggregate != "" && !s.Grouped {
		return Nullable, fmt.Sprintf("%s() over no rows is NULL", s.Items[i].Aggregate)
	}
	if o == nil || s.Filtered(o.column) {
		return NullUnknown, ""
	}
	switch ref, known := s.OuterSide(o.table); {
	case known && ref.Nullable:
		// An ON condition does not drop the rows an outer join adds.
		return Nullable, "it is from the " + ref.NullableBy
	case !known && s.HasOuterJoin() && o.notNull:
		return NullUnknown, "" // an outer join the text does not show the sides of
	}
	switch {
	case s.Joined(o.column):
		return NullUnknown, ""
	case o.notNull:
		return NotNull, ""
	case o.hasDefault:
		return NullByDefault, fmt.Sprintf("%s.%s has no NOT NULL (it has a DEFAULT)", o.table, o.column)
	}
	return Nullable, fmt.Sprintf("%s.%s has no NOT NULL", o.table, o.column)
}
