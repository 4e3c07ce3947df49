package prepare

import (
	"encoding/binary"
	"errors"
	"github.com/dbprep/dbprep/internal/outfile"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ApplicationID marks a database dbprep prepared: SQLite's application_id
// header field (offset 68), "dbpr" in ASCII. Prepare replaces a file that
// carries it without asking, and anything else only when forced.
const ApplicationID = 0x64627072

// ErrNotPrepared is an --out that exists and is not a database dbprep
// prepared: replacing it could destroy data.
var ErrNotPrepared = errors.New("refusing to replace a file dbprep did not prepare")

const sqliteMagic = "SQLite format 3\x00"

// checkOut refuses to replace anything at out but nothing, an empty file,
// or a database dbprep prepared, unless force.
func checkOut(out string, force bool) error {
	f, err := os.Open(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return outfile.Errorf(out, ": %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return outfile.Errorf(out, ": %w", err)
	}
	if info.IsDir() {
		return outfile.Errorf(out, " is a directory; name a file such as %s", filepath.Join(out, "db.sqlite3"))
	}
	if info.Size() == 0 || force {
		return nil
	}
	var hdr [100]byte
	n, _ := io.ReadFull(f, hdr[:])
	what := "is not a SQLite database"
	if n == len(hdr) && string(hdr[:16]) == sqliteMagic {
		if binary.BigEndian.Uint32(hdr[68:72]) == ApplicationID {
			return nil
		}
		what = "is a SQLite database that dbprep did not prepare (a development database?)"
	}
	return outfile.Errorf(out, " %s: %w", what, ErrNotPrepared)
}
