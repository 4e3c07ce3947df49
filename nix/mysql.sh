# Shell functions for a throwaway MySQL or MariaDB server on a unix socket
# only (--skip-networking: builds on one machine never collide), sourced by
# the database derivation, the build phase and the dev shell hook, as
# postgres.sh is for PostgreSQL. MYBIN names the package's bin directory:
# nixpkgs' mariadb (mariadb-install-db, mariadbd, mariadb, mariadb-dump) or
# mysql80/mysql84 (mysqld --initialize-insecure, mysql, mysqldump; written
# from MySQL's documentation, untested: no MySQL server is available where
# dbprep is tested). The server never reads a my.cnf (--no-defaults), so
# the host's /etc/mysql does not change what is prepared.

# dbprep_my_prog MYBIN NAME…: the first of the programs NAME… in MYBIN
# (MariaDB's names first, then MySQL's).
dbprep_my_prog() {
  local bin="$1" n
  shift
  for n in "$@"; do
    if [ -x "$bin/$n" ]; then printf '%s\n' "$bin/$n"; return 0; fi
  done
  echo "dbprep: $bin has none of: $*" >&2
  return 1
}

# dbprep_my_user_flag: --user=root when running as root (the server refuses
# root unless told so explicitly; a build user or a developer needs nothing).
dbprep_my_user_flag() {
  if [ "$(id -u)" = 0 ]; then printf '%s\n' --user=root; fi
}

# dbprep_my_refuse_root: MySQL and MariaDB run as root when told so
# (dbprep_my_user_flag): nothing to refuse.
dbprep_my_refuse_root() { :; }

# dbprep_my_socket_dir DIR: as dbprep_pg_socket_dir (postgres.sh): DIR when
# DIR/mysqld.sock fits the 107 bytes of a socket path; else, on Linux, "."
# (the socket is made in the data directory, the server's working
# directory, and reached as /proc/PID/cwd/mysqld.sock); else a new short
# directory under /tmp, which the caller removes.
dbprep_my_socket_dir() {
  local dir="$1"
  if [ $(( ${#dir} + 12 )) -le 107 ]; then
    printf '%s\n' "$dir"
  elif [ -d /proc/self/cwd ]; then
    printf '.\n'
  else
    mktemp -d /tmp/dbprep-my.XXXXXX
  fi
}

# dbprep_my_socket DATA SOCKETDIR: the socket's path for clients.
dbprep_my_socket() {
  if [ "$2" = . ]; then
    printf '/proc/%s/cwd/mysqld.sock\n' "$(cat "$1/mysqld.pid")"
  else
    printf '%s/mysqld.sock\n' "$2"
  fi
}

# dbprep_my_url DBNAME DATA SOCKETDIR: the URL of DBNAME on the server of
# DATA listening in SOCKETDIR (dbprep_my_socket), as root.
dbprep_my_url() {
  printf 'mysql://root@localhost/%s?socket=%s\n' "$1" "$(dbprep_my_socket "$2" "$3")"
}

# dbprep_my_client_env DBNAME DATA SOCKETDIR: point the mysql client and its
# tools at DBNAME: MYSQL_HOME is DATA.client, a directory of dbprep's whose
# my.cnf names the socket, root and the database (the client reads it after
# /etc/my.cnf, whose socket would win over MYSQL_UNIX_PORT, also exported).
dbprep_my_client_env() {
  local home="$2.client" socket
  socket=$(dbprep_my_socket "$2" "$3")
  mkdir -p "$home"
  printf '[client]\nsocket=%s\nuser=root\n[mysql]\ndatabase=%s\n' "$socket" "$1" >"$home/my.cnf.tmp"
  mv "$home/my.cnf.tmp" "$home/my.cnf"
  export MYSQL_HOME="$home" MYSQL_UNIX_PORT="$socket"
}

# dbprep_my_init MYBIN DATA: a new data directory with fixed settings (no
# test database, root without a password over the socket).
dbprep_my_init() {
  local bin="$1" data="$2" out
  mkdir -p "$data"
  if [ -x "$bin/mariadbd" ] || [ -x "$bin/../sbin/mariadbd" ]; then
    local install
    install=$(dbprep_my_prog "$bin" mariadb-install-db mysql_install_db) || return 1
    out=$("$install" --no-defaults --basedir="$(dirname "$bin")" --datadir="$data" $(dbprep_my_user_flag) \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve 2>&1)
  else
    local server
    server=$(dbprep_my_prog "$bin" mysqld) || return 1
    out=$("$server" --no-defaults --initialize-insecure --datadir="$data" $(dbprep_my_user_flag) 2>&1)
  fi || { echo "dbprep: making the MySQL data directory $data failed: $out" >&2; return 1; }
}

# dbprep_my_start MYBIN DATA SOCKETDIR LOG: start the server in the
# background and wait until it answers (two minutes at most).
dbprep_my_start() {
  local bin="$1" data="$2" sock="$3" log="$4" server admin socket i
  server=$(dbprep_my_prog "$bin" mariadbd mysqld ../sbin/mariadbd) || return 1
  admin=$(dbprep_my_prog "$bin" mariadb-admin mysqladmin) || return 1
  mkdir -p "$sock"
  local at="$sock/mysqld.sock"
  [ "$sock" != . ] || at=mysqld.sock
  rm -f "$data/mysqld.pid"
  # The character set sqlx's connections use (utf8mb4) is the server's too,
  # so a table a migration creates without one is the same everywhere.
  "$server" --no-defaults --basedir="$(dirname "$bin")" --datadir="$data" $(dbprep_my_user_flag) \
    --socket="$at" --skip-networking --pid-file="$data/mysqld.pid" --log-error="$log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-flush-log-at-trx-commit=0 --skip-log-bin --skip-name-resolve </dev/null >>"$log" 2>&1 &
  local pid=$!
  # Not a job of an interactive dev shell: it outlives the shell, as a
  # PostgreSQL server started by pg_ctl does (dbprep-my stops it).
  disown "$pid" 2>/dev/null || true
  for ((i = 0; i < 1200; i++)); do
    if [ -s "$data/mysqld.pid" ]; then
      socket=$(dbprep_my_socket "$data" "$sock")
      if "$admin" --no-defaults -S "$socket" -u root ping >/dev/null 2>&1; then
        echo "dbprep: MySQL started on $socket (pid $pid)"
        return 0
      fi
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "dbprep: MySQL did not start; its log:" >&2
  cat "$log" >&2
  kill "$pid" 2>/dev/null
  return 1
}

# dbprep_my_running MYBIN DATA: whether the server of DATA runs.
dbprep_my_running() {
  [ -s "$2/mysqld.pid" ] && kill -0 "$(cat "$2/mysqld.pid")" 2>/dev/null
}

# dbprep_my_stop MYBIN DATA: stop the server if it runs (SIGTERM: open
# transactions are rolled back), waiting until it is gone.
dbprep_my_stop() {
  local data="$2" pid i
  dbprep_my_running "$1" "$data" || return 0
  pid=$(cat "$data/mysqld.pid")
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null
  fi
  echo "dbprep: MySQL stopped"
}

# dbprep_my_status MYBIN DATA: say whether the server runs; 3 when it does
# not (pg_ctl status's code).
dbprep_my_status() {
  if dbprep_my_running "$1" "$2"; then
    echo "dbprep: MySQL runs (pid $(cat "$2/mysqld.pid"), data $2)"
  else
    echo "dbprep: no MySQL server runs for $2"
    return 3
  fi
}

# The prepared form of a MySQL database is a logical dump, as PostgreSQL's
# is: a data directory holds InnoDB's log sequence numbers, undo logs and
# file ids, which differ from build to build. dump.sql is `mariadb-dump
# --databases` of the database with its routines, triggers and events,
# blobs in hex, without comments or the dump's date, then the accounts the
# migrations created (CREATE USER without its password, with its grants),
# so the same migrations give the same bytes.

# dbprep_my_sql MYBIN SOCKET SQL: run SQL as root, printing rows tab-separated.
dbprep_my_sql() {
  local client
  client=$(dbprep_my_prog "$1" mariadb mysql) || return 1
  "$client" --no-defaults -S "$2" -u root -N -B -e "$3"
}

# dbprep_my_accounts MYBIN SOCKET: the accounts, one 'user'@'host' a line.
dbprep_my_accounts() {
  dbprep_my_sql "$1" "$2" "SELECT CONCAT(QUOTE(user), '@', QUOTE(host)) FROM mysql.user ORDER BY user, host"
}

# dbprep_my_dump MYBIN SOCKET DBNAME OUT BEFORE: write the dump of DBNAME to
# OUT, with the accounts not in the file BEFORE (dbprep_my_accounts of the
# new server).
dbprep_my_dump() {
  local bin="$1" socket="$2" name="$3" out="$4" before="$5" dump account
  dump=$(dbprep_my_prog "$bin" mariadb-dump mysqldump) || return 1
  {
    "$dump" --no-defaults -S "$socket" -u root --skip-dump-date --skip-comments --hex-blob --order-by-primary \
      --routines --triggers --events --databases "$name" || return 1
    # After the database: a grant names its tables.
    dbprep_my_accounts "$bin" "$socket" | { grep -vxF -f "$before" || true; } | while IFS= read -r account; do
      printf 'CREATE USER IF NOT EXISTS %s;\n' "$account"
      dbprep_my_sql "$bin" "$socket" "SHOW GRANTS FOR $account" |
        sed -e "s/ IDENTIFIED BY PASSWORD '[^']*'//" -e "s/ IDENTIFIED VIA .*$//" -e 's/$/;/'
    done
  } >"$out.tmp" || return 1
  mv "$out.tmp" "$out"
}

# dbprep_my_load MYBIN DATA SOCKETDIR LOG DUMP: make a new data directory in
# DATA, start a server on SOCKETDIR and load DUMP into it; the server is
# left running.
dbprep_my_load() {
  local bin="$1" data="$2" sock="$3" log="$4" dump="$5" client out
  client=$(dbprep_my_prog "$bin" mariadb mysql) || return 1
  dbprep_my_init "$bin" "$data" || return 1
  dbprep_my_start "$bin" "$data" "$sock" "$log" || return 1
  if ! out=$("$client" --no-defaults -S "$(dbprep_my_socket "$data" "$sock")" -u root <"$dump" 2>&1); then
    echo "dbprep: loading $dump failed: $out" >&2
    return 1
  fi
}
