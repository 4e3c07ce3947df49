package mysql

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/dbprep/dbprep/internal/ledger"
	"github.com/dbprep/dbprep/internal/migration"
	"github.com/dbprep/dbprep/internal/store"
)

// classify marks the MySQL errors dbprep tells apart: no space, a
// read-only server or a user who may not write there, a lost connection.
func classify(err error) error {
	var me *mysqldriver.MySQLError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &me):
		switch me.Number {
		case 1021, 1114, 3: // ER_DISK_FULL, ER_RECORD_FILE_FULL (the table is full), EE_WRITE
			return store.WithCause(err, store.ErrNoSpace)
		case 1290, 1792, 1142, 1044: // --read-only, a read-only transaction, command denied, access denied to the database
			return store.WithCause(err, ledger.ErrReadOnly)
		}
	case errors.Is(err, mysqldriver.ErrInvalidConn), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return store.WithCause(err, store.ErrConnectionLost)
	}
	return err
}

// describe is the ledger's Describe for MySQL: a lost connection is
// store.ErrConnectionLost; a server error keeps its number, state and
// message (which names the line of the statement it is in).
func describe(_ *sql.Conn, err error, m *migration.Migration) error {
	if errors.Is(err, mysqldriver.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) {
		return fmt.Errorf("%w (%v)", store.ErrConnectionLost, err)
	}
	return classify(err)
}
