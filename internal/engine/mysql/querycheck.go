package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/dbprep/dbprep/internal/dburl"
	"github.com/dbprep/dbprep/internal/engine"
	"github.com/dbprep/dbprep/internal/querycheck"
	"github.com/dbprep/dbprep/internal/sqllex"
	"github.com/dbprep/dbprep/internal/sqlshape"
)

// describer checks queries on a MySQL session without changing anything:
// each statement is prepared (COM_STMT_PREPARE checks its syntax, tables
// and columns, and counts its parameters), and a statement that returns
// rows is described by running it as a derived table with LIMIT 0 inside
// a READ ONLY transaction that is rolled back (go-sql-driver keeps the
// prepare-time column metadata to itself). DDL is prepared, never run: it
// would commit; the statements of a script after it are not checked.
type describer struct {
	db   *sql.DB
	conn *sql.Conn
	// origins are the columns' metadata read so far, by table and column.
	origins map[string]*querycheck.Origin
}

// Checker opens dbprep vet's query checker on the database at u.
func (mysqlEngine) Checker(ctx context.Context, u dburl.URL, o querycheck.Options) (*querycheck.Checker, error) {
	if u.MySQL.Database == "" {
		return nil, errNoDatabaseName
	}
	cfg, err := driverConfig(u.MySQL, u.MySQL.Database)
	if err != nil {
		return nil, err
	}
	db, conn, err := connectRetry(ctx, cfg, o.ConnectTimeout, o.OnWait)
	if err != nil {
		return nil, err
	}
	return querycheck.New(engine.MySQL, &describer{db: db, conn: conn}), nil
}

func (d *describer) Describe(ctx context.Context, query string) querycheck.Result {
	var r querycheck.Result
	for st := range sqllex.Statements(query, sqllex.SQLite) {
		start, end := st[0].Start, st[len(st)-1].End
		text := strings.TrimSuffix(strings.TrimSpace(query[start:end]), ";")
		if text == "" {
			continue
		}
		r.Statements++
		n, err := d.prepare(ctx, text)
		var me *mysqldriver.MySQLError
		switch {
		case errors.As(err, &me) && me.Number == 1295:
			// Not in the prepared statement protocol (some DDL): unchecked.
			return r
		case err != nil:
			r.Err = querycheck.Errorf(-1, "%s", mysqlMessage(err))
			return r
		}
		r.Params += n
		if querycheck.IsDDL(text) {
			return r
		}
		r.Columns = nil
		if returnsRows(text) {
			if r.Columns, err = d.columns(ctx, text, n); err != nil {
				r.Err = querycheck.Errorf(-1, "%s", mysqlMessage(err))
				return r
			}
		}
	}
	return r
}

// mysqlMessage is the server's message without go-sql-driver's prefix.
func mysqlMessage(err error) string {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Message
	}
	return err.Error()
}

// prepare prepares text and returns its number of parameters.
func (d *describer) prepare(ctx context.Context, text string) (int, error) {
	n := 0
	err := d.conn.Raw(func(dc any) error {
		p, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("the MySQL driver cannot prepare")
		}
		st, err := p.PrepareContext(ctx, text)
		if err != nil {
			return err
		}
		n = st.NumInput()
		return st.Close()
	})
	return n, err
}

// returnsRows says whether a statement is a query: SELECT, WITH, VALUES,
// TABLE or a parenthesised SELECT.
func returnsRows(text string) bool {
	switch querycheck.FirstWord(text) {
	case "SELECT", "WITH", "VALUES", "TABLE":
		return true
	}
	return strings.HasPrefix(strings.TrimSpace(text), "(")
}

// columns describes a query's result columns: it runs as a derived table
// with LIMIT 0 (else, for what a derived table cannot hold, as it is) in a
// READ ONLY transaction, rolled back, with 0 for every parameter.
func (d *describer) columns(ctx context.Context, text string, params int) ([]querycheck.Column, error) {
	if _, err := d.conn.ExecContext(ctx, "START TRANSACTION READ ONLY"); err != nil {
		return nil, err
	}
	defer d.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	args := make([]any, params)
	for i := range args {
		args[i] = 0
	}
	rows, err := d.conn.QueryContext(ctx, "SELECT * FROM ("+text+") AS dbprep_vet LIMIT 0", args...)
	if err != nil {
		if rows, err = d.conn.QueryContext(ctx, text, args...); err != nil {
			return nil, err
		}
	}
	types, err := rows.ColumnTypes()
	// Closed before the origins are read: the session has one result set
	// at a time.
	rows.Close()
	if err != nil {
		return nil, err
	}
	shape := sqlshape.Read(text, sqllex.SQLite)
	cols := make([]querycheck.Column, len(types))
	for i, t := range types {
		cols[i] = querycheck.Column{Name: t.Name(), Type: strings.ToLower(t.DatabaseTypeName())}
		if nullable, ok := t.Nullable(); ok && !nullable {
			cols[i].Null = querycheck.NotNull
			continue
		}
		cols[i].Null, cols[i].Why = querycheck.DecideNull(shape, i, d.origin(ctx, shape, t.Name()))
	}
	return cols, nil
}

// origin is the table column a result column of that name is, when
// exactly one table of the statement's FROM has a column of the name.
func (d *describer) origin(ctx context.Context, shape sqlshape.Shape, column string) *querycheck.Origin {
	var found *querycheck.Origin
	for _, ref := range shape.Refs {
		key := ref.Table + "\x00" + strings.ToLower(column)
		o, ok := d.origins[key]
		if !ok {
			o = d.readOrigin(ctx, ref.Table, column)
			if d.origins == nil {
				d.origins = map[string]*querycheck.Origin{}
			}
			d.origins[key] = o
		}
		if o != nil {
			if found != nil {
				return nil // two tables have it: which one is not known
			}
			found = o
		}
	}
	return found
}

func (d *describer) readOrigin(ctx context.Context, table, column string) *querycheck.Origin {
	var nullable string
	var def sql.NullString
	err := d.conn.QueryRowContext(ctx, `SELECT IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`, table, column).Scan(&nullable, &def)
	if err != nil {
		return nil
	}
	return &querycheck.Origin{Table: table, Column: column, NotNull: nullable == "NO",
		HasDefault: def.Valid && !strings.EqualFold(def.String, "NULL")}
}

// Close ends the session.
func (d *describer) Close() error {
	err := d.conn.Close()
	if err2 := d.db.Close(); err == nil {
		err = err2
	}
	return err
}
