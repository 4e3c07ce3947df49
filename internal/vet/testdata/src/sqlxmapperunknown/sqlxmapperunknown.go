// Package sqlxmapperunknown sets a mapper vet cannot read: field names
// are not checked (nor the NULLs behind them), never guessed.
package sqlxmapperunknown

import "github.com/jmoiron/sqlx"

var mapping = map[string]string{"ID": "id", "Owner": "user_id"}

func open(db *sqlx.DB) {
	db.MapperFunc(func(s string) string { return mapping[s] })
}

type Post struct {
	ID    int64
	Owner int64
}

type Tagged struct {
	ID int64 `db:"id"`
}

func list(db *sqlx.DB) {
	var p Post
	db.Get(&p, "SELECT id, user_id FROM posts WHERE id = $1", 1)
	var t Tagged
	db.Get(&t, "SELECT id, user_id FROM posts WHERE id = $1", 1) // want `Tagged has no field for column "user_id"`
	db.Get(&t, "SELECT id FROM nope")                            // want `no such table: nope|relation "nope" does not exist`
}
