#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests (ctest fixture "postgres", see
# cmake/TrainyardTargets.cmake):
#   scripts/test-postgres.sh start DIR   initdb in DIR and start a server that
#                                         listens only on a unix socket in DIR
#   scripts/test-postgres.sh stop DIR    stop it by its PID and remove DIR
# The server runs as an unprivileged user: the caller, or `postgres` (the
# Debian package's system user) when the caller is root, which PostgreSQL
# refuses to run as. Tests connect with
#   postgresql:///postgres?host=DIR&user=trainyard
set -euo pipefail
cmd=${1:?usage: test-postgres.sh start|stop DIR}
dir=${2:?usage: test-postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "PostgreSQL server binaries not found (apt: postgresql; scripts/install-deps.sh)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  local pidfile="$dir/data/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pid
    pid=$(head -1 "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      # SIGINT: PostgreSQL's "fast" shutdown (roll back, disconnect, exit).
      kill -INT "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start)
    stop  # a server left behind by an interrupted run
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" --username=trainyard --auth=trust \
      --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # Loopback only through the socket; durability off: the data is thrown
    # away after the run, and fsync on a shared CI disk only costs time.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir (pid $(head -1 "$dir/data/postmaster.pid"))"
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: test-postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
