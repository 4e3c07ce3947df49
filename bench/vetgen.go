package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// VetSchema is the schema the generated module's queries run against.
const VetSchema = `CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL, name TEXT, active BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), title TEXT NOT NULL, body TEXT);
`

// GenerateVetModule writes a Go module of pkgs packages with perPkg queries
// each (database/sql only, so it builds offline), and its migrations:
// the shape dbprep vet is measured on. Every query is distinct and valid,
// and half are scanned, so the checker does all its work.
func GenerateVetModule(dir string, pkgs, perPkg int) error {
	if err := os.MkdirAll(filepath.Join(dir, "migrations"), 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"go.mod":                             "module example.com/vetbench\n\ngo 1.26\n",
		"migrations/20240101000000_init.sql": VetSchema,
	}
	for p := range pkgs {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%d\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\n", p)
		for q := range perPkg {
			id := p*perPkg + q
			switch q % 4 {
			case 0:
				fmt.Fprintf(&b, "func Q%d(ctx context.Context, db *sql.DB, id int64) (string, error) {\n\tvar email string\n\terr := db.QueryRowContext(ctx, \"SELECT email FROM users WHERE id = $1 AND %d = %d\", id).Scan(&email)\n\treturn email, err\n}\n\n", q, id, id)
			case 1:
				fmt.Fprintf(&b, "func Q%d(db *sql.DB, uid int64) error {\n\tquery := `SELECT p.id, p.title FROM posts p JOIN users u ON u.id = p.user_id WHERE u.id = $1 AND p.id > %d`\n\trows, err := db.Query(query, uid)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer rows.Close()\n\tfor rows.Next() {\n\t\tvar id int64\n\t\tvar title string\n\t\tif err := rows.Scan(&id, &title); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n\treturn rows.Err()\n}\n\n", q, id)
			case 2:
				fmt.Fprintf(&b, "func Q%d(tx *sql.Tx, name string, id int64) error {\n\t_, err := tx.Exec(\"UPDATE users SET name = $1 WHERE id = $2 AND id <> %d\", name, id)\n\treturn err\n}\n\n", q, id)
			default:
				fmt.Fprintf(&b, "func Q%d(db *sql.DB, admin bool) (int64, error) {\n\tq := \"SELECT count(*) FROM users WHERE active AND id > %d\"\n\tif admin {\n\t\tq = \"SELECT count(*) FROM posts WHERE id > %d\"\n\t}\n\tvar n int64\n\terr := db.QueryRow(q).Scan(&n)\n\treturn n, err\n}\n\n", q, id, id)
			}
		}
		files[fmt.Sprintf("p%d/p.go", p)] = b.String()
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
