package main

import "testing"

// In the Nix build, DATABASE_URL is the prepared database: this checks the
// program's query against the real schema.
func TestQueryFitsSchema(t *testing.T) {
	db, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := countNotes(db); err != nil {
		t.Fatalf("the query does not fit the schema: %v", err)
	}
}
