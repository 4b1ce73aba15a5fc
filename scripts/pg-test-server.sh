#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests (unix socket only, trust auth, temp dir).
#   eval "$(bash scripts/pg-test-server.sh start)"   # exports PHYSIOQUEST_TEST_PG_DSN, PQ_PG_DIR
#   bash scripts/pg-test-server.sh stop               # stops it and deletes its directory
# As root the server runs as the 'postgres' OS user (created if missing): PostgreSQL refuses root.
set -euo pipefail
bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) ; do
  [ -x "$d/initdb" ] && { bindir=$d; break; }
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then bindir=$(dirname "$(command -v initdb)"); fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su -s /bin/sh postgres -c "cd / && $*"; else sh -c "$*"; fi
}

case "${1:-}" in
  start)
    [ -n "$bindir" ] || { echo "pg-test-server: no PostgreSQL binaries (apt-get install postgresql)" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    dir=$(mktemp -d /tmp/pq-pg.XXXXXX)
    chmod 0700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_pg "'$bindir/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --no-locale >'$dir/initdb.log' 2>&1" \
      || { echo "pg-test-server: initdb failed, see $dir/initdb.log" >&2; exit 1; }
    as_pg "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
      -o \"-c listen_addresses='' -k '$dir' -c fsync=off -c max_connections=40\" start >/dev/null" \
      || { echo "pg-test-server: server did not start, see $dir/server.log" >&2; exit 1; }
    echo "export PQ_PG_DIR='$dir'"
    echo "export PHYSIOQUEST_TEST_PG_DSN='postgresql://postgres@/postgres?host=$dir&port=5432'"
    ;;
  stop)
    dir=${PQ_PG_DIR:-${2:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg-test-server: PQ_PG_DIR not set" >&2; exit 1; }
    as_pg "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-test-server.sh start|stop" >&2; exit 2 ;;
esac
