#!/usr/bin/env bash
# A local PostgreSQL server for `journey run --engine postgres` and the engine tests.
#
#   scripts/postgres.sh start    install Debian's postgresql when missing, create the cluster in
#                                $JOURNEY_POSTGRES_DIR (default build/postgres) on first use, start it
#                                on 127.0.0.1:$JOURNEY_POSTGRES_PORT (default 54329), create the
#                                role $JOURNEY_POSTGRES_USER and database $JOURNEY_POSTGRES_DATABASE
#                                (both default journey); a running server is left as it is
#   scripts/postgres.sh install  only install Debian's postgresql when missing
#   scripts/postgres.sh stop     stop it (nothing to do when it is not running)
#   scripts/postgres.sh status   say whether it runs; exit 0 when it does, 3 when it does not
#
# The cluster trusts local connections (no password) and listens on the loopback address only:
# it is for one developer's machine or CI. A shared or remote server is configured in the
# JOURNEY_POSTGRES_* variables instead (README, "Engines").
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-}
dir=$(realpath -m "${JOURNEY_POSTGRES_DIR:-build/postgres}")
port=${JOURNEY_POSTGRES_PORT:-54329}
user=${JOURNEY_POSTGRES_USER:-journey}
database=${JOURNEY_POSTGRES_DATABASE:-journey}
data="$dir/data"
log="$dir/postgres.log"

say() { echo "postgres: $*" >&2; }
# shellcheck source=scripts/debian.sh
source "${BASH_SOURCE[0]%/*}/debian.sh"

bindir() {
  # Debian keeps the server programs out of PATH, in /usr/lib/postgresql/<major>/bin
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
    found=$(dirname "$(command -v pg_ctl)")
  fi
  echo "$found"
}

install_postgres() {
  apt_install postgres postgresql
}

# Run a server program as the cluster's owner: PostgreSQL refuses to run as root, so root runs it
# as the `postgres` system user of Debian's package.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# When root runs the server as `postgres`, that user must reach the cluster's folder: a project
# under a folder only root may enter (/root, say) keeps its cluster in the temporary folder instead,
# at a path of its own derived from the project's.
reachable_dir() {
  if [ "$(id -u)" -eq 0 ] && [ -z "${JOURNEY_POSTGRES_DIR:-}" ] && id postgres >/dev/null 2>&1 &&
    ! runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
    dir="${TMPDIR:-/tmp}/journey-postgres-$(printf '%s' "$PWD" | md5sum | cut -c1-12)"
    data="$dir/data"
    log="$dir/postgres.log"
  fi
}

running() {
  [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

case "$command" in
  install)
    bin=$(bindir)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      install_postgres
      bin=$(bindir)
    fi
    say "server programs in $bin"
    ;;
  start)
    bin=$(bindir)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      install_postgres
      bin=$(bindir)
    fi
    reachable_dir
    if [ ! -f "$data/PG_VERSION" ]; then
      say "creating a cluster in $data"
      mkdir -p "$dir"
      if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
      chmod 700 "$dir"
      as_owner "$bin/initdb" -D "$data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if running; then
      say "running on 127.0.0.1:$port ($data)"
    else
      # the socket lives in the cluster's folder, not in /var/run/postgresql (which may not exist)
      as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c timezone=UTC" start >/dev/null ||
        { say "could not start the server on port $port; see $log"; tail -n 5 "$log" >&2; exit 1; }
      say "started on 127.0.0.1:$port ($data; log $log)"
    fi
    exists=$("$bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
      "select 1 from pg_database where datname = '$database'")
    if [ "$exists" != "1" ]; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
      say "created database $database"
    fi
    ;;
  stop)
    bin=$(bindir)
    reachable_dir
    if [ -n "$bin" ] && running; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
      say "stopped ($data)"
    else
      say "not running ($data)"
    fi
    ;;
  status)
    bin=$(bindir)
    reachable_dir
    if [ -n "$bin" ] && running; then
      say "running on 127.0.0.1:$port ($data)"
    else
      say "not running ($data)"
      exit 3
    fi
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|status|install" >&2
    exit 2
    ;;
esac
