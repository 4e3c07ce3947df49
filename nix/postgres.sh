# Shell functions for a throwaway PostgreSQL server on a unix socket only
# (no TCP: builds on one machine never collide), sourced by the database
# derivation, the build phase and the dev shell hook. PGBIN names the
# server's bin directory.

# dbprep_pg_refuse_root: PostgreSQL refuses to run as root; say why, early.
dbprep_pg_refuse_root() {
  if [ "$(id -u)" = 0 ]; then
    echo "dbprep: PostgreSQL refuses to run as root, and this ${1:-build} runs as root." >&2
    echo "dbprep: Real Nix builds run as unprivileged build users: use multi-user Nix (a nix-daemon with" >&2
    echo "dbprep: build-users-group = nixbld), or, in a dev shell, enter it as an ordinary user." >&2
    return 1
  fi
}

# dbprep_pg_socket_dir DIR: print DIR when the server's socket in it
# (DIR/.s.PGSQL.5432) fits the 107 bytes a Unix socket path may have. Else
# (a long derivation name with the sandbox off, macOS's long $TMPDIR), on
# Linux, print "." — the socket goes in the data directory, which the
# server binds relative to its working directory, and clients reach it as
# /proc/PID/cwd (dbprep_pg_host): nothing is made outside the build
# directory, so a build killed with SIGKILL, as nix-daemon kills an
# interrupted build, leaves nothing behind. Elsewhere, a new short directory
# under /tmp, which the caller removes when done (a trap; a SIGKILL leaves
# it).
dbprep_pg_socket_dir() {
  local dir="$1"
  if [ $(( ${#dir} + 16 )) -le 107 ]; then
    printf '%s\n' "$dir"
  elif [ -d /proc/self/cwd ]; then
    printf '.\n'
  else
    mktemp -d /tmp/dbprep-pg.XXXXXX
  fi
}

# dbprep_pg_host DATA SOCKETDIR: the socket directory clients name (libpq's
# host, the URL's host=): SOCKETDIR, or for "." the running server's
# working directory, its data directory, through /proc.
dbprep_pg_host() {
  if [ "$2" = . ]; then
    printf '/proc/%s/cwd\n' "$(head -n 1 "$1/postmaster.pid")"
  else
    printf '%s\n' "$2"
  fi
}

# dbprep_pg_start PGBIN DATA SOCKETDIR LOG: start the server and wait until
# it accepts connections.
dbprep_pg_start() {
  local pgbin="$1" data="$2" sock="$3" log="$4"
  mkdir -p "$sock"
  if ! "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 120 -s \
    -o "-k '$sock' -c listen_addresses='' -c fsync=off -c full_page_writes=off" start; then
    echo "dbprep: PostgreSQL did not start; its log:" >&2
    cat "$log" >&2
    return 1
  fi
  echo "dbprep: PostgreSQL started on $(dbprep_pg_host "$data" "$sock") (pid $(head -n 1 "$data/postmaster.pid"))"
}

# dbprep_pg_stop PGBIN DATA: stop the server if it runs (fast: roll back
# open transactions), waiting until it is gone.
dbprep_pg_stop() {
  local pgbin="$1" data="$2"
  if [ -f "$data/postmaster.pid" ]; then
    "$pgbin/pg_ctl" -D "$data" -m fast -w -t 60 -s stop || true
    echo "dbprep: PostgreSQL stopped"
  fi
}

# dbprep_pg_url DBNAME DATA SOCKETDIR: the URL of DBNAME on the server of
# DATA listening in SOCKETDIR (dbprep_pg_host), as the postgres superuser.
dbprep_pg_url() {
  printf 'postgres:///%s?host=%s&user=postgres\n' "$1" "$(dbprep_pg_host "$2" "$3")"
}

# dbprep_pg_client_env DBNAME DATA SOCKETDIR: export libpq's variables for it.
dbprep_pg_client_env() {
  export PGHOST="$(dbprep_pg_host "$2" "$3")" PGUSER=postgres PGDATABASE="$1"
}

# dbprep_pg_running PGBIN DATA: whether the server of DATA runs.
dbprep_pg_running() {
  "$1/pg_ctl" -D "$2" status >/dev/null 2>&1
}

# dbprep_pg_status PGBIN DATA: pg_ctl's status (3 when it does not run).
dbprep_pg_status() {
  "$1/pg_ctl" -D "$2" status
}

# The prepared form of a PostgreSQL database is a logical dump, not a data
# directory: initdb writes a random system identifier, and a data directory
# holds checkpoint times, WAL and statistics that differ from build to build.
# dump.sql is the cluster's roles (without passwords: their SCRAM salts are
# random; the bootstrap superuser postgres is left out, initdb makes it) and
# `pg_dump --create` of the database, with fixed \restrict keys and without
# pg_dump's version lines, so the same migrations give the same bytes.

# dbprep_pg_dump PGBIN HOST DBNAME OUT: write the dump of DBNAME, on the
# server listening in the socket directory HOST (dbprep_pg_host), to OUT.
dbprep_pg_dump() {
  local pgbin="$1" sock="$2" name="$3" out="$4"
  {
    "$pgbin/pg_dumpall" -h "$sock" -U postgres --roles-only --no-role-passwords --restrict-key=dbprep |
      grep -v -e '^CREATE ROLE postgres;$' -e '^ALTER ROLE postgres WITH '
    "$pgbin/pg_dump" -h "$sock" -U postgres --create --restrict-key=dbprep "$name"
  } | grep -v -e '^-- Dumped from database version' -e '^-- Dumped by pg_dump' >"$out.tmp"
  mv "$out.tmp" "$out"
}

# dbprep_pg_load PGBIN DATA SOCKETDIR LOG DUMP: make a new cluster in DATA
# (as prepare-postgres.sh made its own), start a server on SOCKETDIR and
# load DUMP into it; the server is left running.
dbprep_pg_load() {
  local pgbin="$1" data="$2" sock="$3" log="$4" dump="$5" out
  "$pgbin/initdb" -D "$data" --username=postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null || return 1
  dbprep_pg_start "$pgbin" "$data" "$sock" "$log" || return 1
  if ! out=$("$pgbin/psql" -h "$(dbprep_pg_host "$data" "$sock")" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 -f "$dump" 2>&1 >/dev/null); then
    echo "dbprep: loading $dump failed: $out" >&2
    return 1
  fi
}
