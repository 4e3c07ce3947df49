package migrate

// SetMaxReplans lowers maxReplans for a test and returns the undo.
func SetMaxReplans(n int) func() {
	old := maxReplans
	maxReplans = n
	return func() { maxReplans = old }
}
