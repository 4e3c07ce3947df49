package main

import (
	"context"
	"testing"
)

// In the Nix build, DATABASE_URL is a server on the prepared database: this
// checks the program's query against the real schema.
func TestQueryFitsSchema(t *testing.T) {
	ctx := context.Background()
	conn, err := connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := countNotes(ctx, conn); err != nil {
		t.Fatalf("the query does not fit the schema: %v", err)
	}
}
