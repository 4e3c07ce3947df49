package migration

import (
	"strings"
	"testing"
)

func TestCheckDuplicates(t *testing.T) {
	m := func(v int64, typ Type, file string) Migration {
		return Migration{Name: Name{Version: v, Type: typ}, File: file}
	}
	ok := [][]Migration{
		{m(1, Simple, "1_a.sql"), m(2, Simple, "2_b.sql")},
		{m(1, ReversibleUp, "1_a.up.sql"), m(1, ReversibleDown, "1_a.down.sql")},
		{m(3, ReversibleDown, "3_orphan.down.sql")},
	}
	for _, ms := range ok {
		if err := CheckDuplicates(ms); err != nil {
			t.Errorf("%v: %v", ms, err)
		}
	}
	bad := [][]Migration{
		{m(1, Simple, "1_a.sql"), m(1, Simple, "0001_b.sql")},
		{m(1, Simple, "1_a.sql"), m(1, ReversibleUp, "1_b.up.sql")},
		{m(2, ReversibleDown, "2_a.down.sql"), m(2, ReversibleDown, "2_b.down.sql")},
	}
	for _, ms := range bad {
		err := CheckDuplicates(ms)
		if err == nil || !strings.Contains(err.Error(), ms[0].File) || !strings.Contains(err.Error(), ms[1].File) {
			t.Errorf("%v: %v", ms, err)
		}
	}
}

func TestResolveRefusesNUL(t *testing.T) {
	dir := writeFiles(t, map[string]string{"1_a.sql": "SELECT 1;\nSELECT 2;\x00DROP TABLE x;"})
	_, err := ResolveDir(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "1_a.sql has a NUL byte on line 2") {
		t.Fatalf("got %v", err)
	}
}
