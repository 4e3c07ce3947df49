package main

import (
	"context"
	"testing"
)

// In the Nix build, DATABASE_URL is a server on the prepared database: this
// checks the program's query against the real schema.
func TestQueryFitsSchema(t *testing.T) {
	db, err := connect()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := countNotes(context.Background(), db); err != nil {
		t.Fatalf("the query does not fit the schema: %v", err)
	}
}
