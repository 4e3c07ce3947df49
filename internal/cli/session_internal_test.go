package cli

import "testing"

// globalAliases names every alias of every global flag: isSet depends on it.
func TestGlobalAliasesComplete(t *testing.T) {
	for _, f := range globalFlags(false) {
		names := f.Names()
		for _, alias := range names[1:] {
			if globalAliases[alias] != names[0] {
				t.Errorf("global flag --%s: its alias %q is not in globalAliases", names[0], alias)
			}
		}
	}
}
