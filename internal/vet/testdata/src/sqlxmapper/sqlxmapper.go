// Package sqlxmapper sets a snake-case mapper on its *sqlx.DB: UserID is
// the column user_id, and the field checks follow it.
package sqlxmapper

import (
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// toSnake is a snake-case mapper, as services write or import one
// (strcase.ToSnake).
func toSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func open(db *sqlx.DB) *sqlx.DB {
	db.MapperFunc(toSnake)
	return db
}

type Post struct {
	ID     int64
	UserID int64
	Title  string
}

type Short struct {
	ID int64
}

type Author struct {
	ID   int64
	Name string
}

func list(db *sqlx.DB) {
	var posts []Post
	db.Select(&posts, "SELECT id, user_id, title FROM posts")
	var s Short
	db.Get(&s, "SELECT id, user_id FROM posts WHERE id = $1", 1) // want `Short has no field for column "user_id"`
	var a Author
	db.Get(&a, "SELECT id, name FROM users WHERE id = $1", 1) // want `column "name" can be NULL`
}
