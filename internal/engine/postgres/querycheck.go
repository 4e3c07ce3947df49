package postgres

import (
	"context"
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/sqllex"
	"github.com/dbprep/dbprep/internal/sqlshape"
	"github.com/dbprep/dbprep/internal/sqltext"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// describer describes queries with the extended protocol's Parse/Describe,
// inside a transaction that is always rolled back. Of a script's statements,
// only schema changes (CREATE, ALTER, DROP, COMMENT, SET) are run before the
// next is described, each under a savepoint; data is never changed, and
// transaction control is never run.
type describer struct {
	pg *Session
}

// Checker opens dbprep vet's query checker on the database at u.
func (postgresEngine) Checker(ctx context.Context, u dburl.URL, o querycheck.Options) (*querycheck.Checker, error) {
	pg, err := Connect(ctx, u.Postgres, o.ConnectTimeout, o.OnWait)
	if err != nil {
		return nil, err
	}
	return querycheck.New(engine.Postgres, &describer{pg: pg}), nil
}

func (p *describer) Describe(ctx context.Context, sql string) querycheck.Result {
	var r querycheck.Result
	p.pg.Raw(func(c *pgx.Conn) error {
		r = p.describe(ctx, c, sql)
		return nil
	})
	return r
}

func (p *describer) describe(ctx context.Context, c *pgx.Conn, sql string) querycheck.Result {
	conn := c.PgConn()
	var r querycheck.Result
	if err := conn.Exec(ctx, "BEGIN").Close(); err != nil {
		r.Err = querycheck.Errorf(-1, "%v", err)
		return r
	}
	defer func() { conn.Exec(context.WithoutCancel(ctx), "ROLLBACK").Close() }()
	stmts := sqltext.Split(sql)
	for i, st := range stmts {
		desc, err := conn.Prepare(ctx, "", st.Text, nil)
		if err != nil {
			r.Err = pgError(err, st)
			return r
		}
		r.Statements++
		r.Params += len(desc.ParamOIDs)
		r.Columns = make([]querycheck.Column, len(desc.Fields))
		var shape sqlshape.Shape
		if len(desc.Fields) > 0 {
			shape = sqlshape.Read(st.Text, sqllex.Postgres)
		}
		for j, f := range desc.Fields {
			r.Columns[j] = querycheck.Column{Name: f.Name, Type: typeName(c, f.DataTypeOID)}
			r.Columns[j].Null, r.Columns[j].Why = querycheck.DecideNull(shape, j, pgOrigin(ctx, conn, f))
		}
		if i < len(stmts)-1 && changesSchema(st.Text) {
			conn.Exec(ctx, "SAVEPOINT dbprep_vet").Close()
			if _, err := conn.ExecParams(ctx, st.Text, make([][]byte, len(desc.ParamOIDs)), desc.ParamOIDs, nil, nil).Close(); err != nil {
				conn.Exec(ctx, "ROLLBACK TO SAVEPOINT dbprep_vet").Close()
			}
		}
	}
	return r
}

// pgOrigin is the table column a result field is, from the catalog: nil for
// an expression (table OID 0), a system column, or a view's column (whose
// NOT NULL the catalog does not keep).
func pgOrigin(ctx context.Context, conn *pgconn.PgConn, f pgconn.FieldDescription) *querycheck.Origin {
	if f.TableOID == 0 || f.TableAttributeNumber <= 0 {
		return nil
	}
	rows := conn.ExecParams(ctx, `SELECT c.relname, a.attname, a.attnotnull::text, (d.adbin IS NOT NULL AND pg_get_expr(d.adbin, d.adrelid) !~* '^null(::.*)?$')::text
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			WHERE a.attrelid = $1 AND a.attnum = $2 AND c.relkind IN ('r', 'p')`,
		[][]byte{[]byte(strconv.FormatUint(uint64(f.TableOID), 10)), []byte(strconv.Itoa(int(f.TableAttributeNumber)))}, nil, nil, nil)
	var o *querycheck.Origin
	for rows.NextRow() {
		v := rows.Values()
		o = &querycheck.Origin{Table: string(v[0]), Column: string(v[1]), NotNull: string(v[2]) == "true", HasDefault: string(v[3]) == "true"}
	}
	if _, err := rows.Close(); err != nil {
		return nil
	}
	return o
}

func typeName(c *pgx.Conn, oid uint32) string {
	if t, ok := c.TypeMap().TypeForOID(oid); ok {
		return t.Name
	}
	return ""
}

// pgError is the server's message, with its position (characters, from 1,
// in the statement) as a byte offset in the whole query.
func pgError(err error, st sqltext.Statement) *querycheck.Error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return querycheck.Errorf(-1, "%v", err)
	}
	msg := pe.Message
	if pe.Detail != "" {
		msg += " (" + pe.Detail + ")"
	}
	if pe.Hint != "" {
		msg += "; hint: " + pe.Hint
	}
	off := -1
	if pe.Position > 0 {
		off = st.Offset
		for n := int(pe.Position) - 1; n > 0 && off < st.Offset+len(st.Text); n-- {
			_, size := utf8.DecodeRuneInString(st.Text[off-st.Offset:])
			off += size
		}
	}
	return querycheck.Errorf(off, "%s", msg)
}

func changesSchema(stmt string) bool {
	switch querycheck.FirstWord(stmt) {
	case "CREATE", "ALTER", "DROP", "COMMENT", "SET":
		return true
	}
	return false
}

func (p *describer) Close() error { return p.pg.Close() }
