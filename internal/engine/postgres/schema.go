package postgres

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/dbprep/dbprep/internal/store"
)

// ErrNoPgDump is a PostgreSQL schema dump without pg_dump on PATH.
var ErrNoPgDump = errors.New("pg_dump is not on PATH")

// DumpSchema prints the schema with pg_dump --schema-only (found on PATH;
// it must be as new as the server), its lines that change from run to run
// (versions, \restrict keys) removed, then the ledger's rows. The password
// reaches pg_dump in its environment, never on its command line.
func (p *Store) DumpSchema(ctx context.Context) (string, error) {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return "", fmt.Errorf("%w: install PostgreSQL's client tools (Debian: postgresql-client; Nix: pkgs.postgresql), as new as the server", ErrNoPgDump)
	}
	cfg := p.cfg
	cmd := exec.CommandContext(ctx, bin, "--schema-only", "--no-owner", "--no-privileges", "--no-comments")
	cmd.Env = append(os.Environ(), "PGHOST="+cfg.Host, "PGPORT="+strconv.Itoa(int(cfg.Port)),
		"PGUSER="+cfg.User, "PGDATABASE="+cfg.Database, "PGPASSWORD="+cfg.Password, "PGCONNECT_TIMEOUT=10")
	if cfg.TLSConfig == nil {
		cmd.Env = append(cmd.Env, "PGSSLMODE=disable")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var b strings.Builder
	b.WriteString(store.SchemaHeader)
	b.WriteString(stablePgDump(string(out)))
	var exists bool
	if err := p.conn.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", p.Table()).Scan(&exists); err != nil {
		return "", fmt.Errorf("reading %s: %w", p.Table(), err)
	}
	if exists {
		// pg_dump empties search_path: name the ledger with its schema.
		table := p.Table()
		if !strings.Contains(table, ".") {
			var schema string
			if err := p.conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
				return "", fmt.Errorf("reading the current schema: %w", err)
			}
			table = schema + "." + table
		}
		rows, err := store.LedgerInserts(ctx, p.conn, p.Table(), table, blob)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + rows)
	}
	return b.String(), nil
}

// blob is PostgreSQL's literal for bytes.
func blob(b []byte) string { return "'\\x" + hex.EncodeToString(b) + "'::bytea" }

// stablePgDump drops what pg_dump writes differently from run to run or
// version to version: its version comments and the random keys of
// \restrict and \unrestrict; and runs of blank lines.
func stablePgDump(dump string) string {
	var out []string
	for _, line := range strings.Split(dump, "\n") {
		switch {
		case strings.HasPrefix(line, "-- Dumped from database version"),
			strings.HasPrefix(line, "-- Dumped by pg_dump version"),
			strings.HasPrefix(line, `\restrict `), strings.HasPrefix(line, `\unrestrict `):
			continue
		case line == "" && len(out) > 0 && out[len(out)-1] == "":
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
