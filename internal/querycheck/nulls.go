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

// Origin is the table column a result column is, as the engine tells it.
type Origin struct {
	Table, Column string
	// NotNull counts a primary key (SQLite's rowid alias; PostgreSQL's
	// keys are NOT NULL).
	NotNull, HasDefault bool
}

// DecideNull says whether result column i of the statement whose shape is
// s can be NULL, and why: o is where the column comes from (nil for an
// expression).
func DecideNull(s sqlshape.Shape, i int, o *Origin) (Null, string) {
	if i < len(s.Items) && s.Items[i].Aggregate != "" && !s.Grouped {
		return Nullable, fmt.Sprintf("%s() over no rows is NULL", s.Items[i].Aggregate)
	}
	if o == nil || s.Filtered(o.Column) {
		return NullUnknown, ""
	}
	switch ref, known := s.OuterSide(o.Table); {
	case known && ref.Nullable:
		// An ON condition does not drop the rows an outer join adds.
		return Nullable, "it is from the " + ref.NullableBy
	case !known && s.HasOuterJoin() && o.NotNull:
		return NullUnknown, "" // an outer join the text does not show the sides of
	}
	switch {
	case s.Joined(o.Column):
		return NullUnknown, ""
	case o.NotNull:
		return NotNull, ""
	case o.HasDefault:
		return NullByDefault, fmt.Sprintf("%s.%s has no NOT NULL (it has a DEFAULT)", o.Table, o.Column)
	}
	return Nullable, fmt.Sprintf("%s.%s has no NOT NULL", o.Table, o.Column)
}
