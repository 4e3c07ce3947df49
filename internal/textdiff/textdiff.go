// Package textdiff writes the unified diff of two texts, line by line, as
// `diff -u` does, for `dbprep schema --check`.
package textdiff

import (
	"fmt"
	"strings"
)

// maxCells bounds the comparison table; past it the differing middle is
// shown as removed and added whole (still a correct diff, a longer one).
const maxCells = 4_000_000

// Unified returns the unified diff turning a (named aName) into b (bName),
// with three lines of context; "" when they are equal.
func Unified(aName, bName, a, b string) string {
	if a == b {
		return ""
	}
	x, y := lines(a), lines(b)
	// Common head and tail never need the table.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(x)+len(y))
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', x[i]})
	}
	ops = append(ops, middle(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for i := len(x) - suf; i < len(x); i++ {
		ops = append(ops, op{' ', x[i]})
	}
	return fmt.Sprintf("--- %s\n+++ %s\n", aName, bName) + hunks(ops)
}

type op struct {
	kind byte // ' ', '-' or '+'
	line string
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// middle diffs x and y by their longest common subsequence.
func middle(x, y []string) []op {
	var ops []op
	if len(x)*len(y) > maxCells {
		for _, l := range x {
			ops = append(ops, op{'-', l})
		}
		for _, l := range y {
			ops = append(ops, op{'+', l})
		}
		return ops
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, op{' ', x[i]})
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] > lcs[i+1][j]): // removals first, as diff does
			ops = append(ops, op{'+', y[j]})
			j++
		default:
			ops = append(ops, op{'-', x[i]})
			i++
		}
	}
	return ops
}

// hunks groups ops into @@ hunks with three lines of context.
func hunks(ops []op) string {
	const context = 3
	var b strings.Builder
	for start := 0; start < len(ops); {
		// Find the next change.
		first := start
		for first < len(ops) && ops[first].kind == ' ' {
			first++
		}
		if first == len(ops) {
			break
		}
		lo := max(first-context, start)
		hi := first
		for k := first; k < len(ops); k++ {
			if ops[k].kind != ' ' {
				hi = k
			} else if k-hi > 2*context {
				break
			}
		}
		hi = min(hi+context+1, len(ops))
		aLine, bLine := 1, 1
		for _, o := range ops[:lo] {
			if o.kind != '+' {
				aLine++
			}
			if o.kind != '-' {
				bLine++
			}
		}
		var aN, bN int
		for _, o := range ops[lo:hi] {
			if o.kind != '+' {
				aN++
			}
			if o.kind != '-' {
				bN++
			}
		}
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", span(aLine, aN), span(bLine, bN))
		for _, o := range ops[lo:hi] {
			b.WriteByte(o.kind)
			b.WriteString(o.line)
			b.WriteByte('\n')
		}
		start = hi
	}
	return b.String()
}

// span is a hunk's range as diff writes it: "start,count", "start" for one
// line, and the line before for none.
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
