#!/usr/bin/env bash
# Job-queue claims/s and p99 claim latency with 1, 2, 4 and 8 concurrent
# workers on SQLite and on a throwaway PostgreSQL 15 (scripts/test-postgres.sh,
# stopped and removed afterwards), with the PostgreSQL / SQLite ratio.
#   bench/job_queue.sh [JOBS]      (default 2000 jobs per run)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/release/bench/job_queue_bench"
[[ -x "$bin" ]] || { echo "build first: make build" >&2; exit 1; }
work=$(mktemp -d /tmp/trainyard-queue-bench.XXXXXX)
chmod 755 "$work"  # the server runs as another user when we are root
pg="$work/pg"
trap '"$root/scripts/test-postgres.sh" stop "$pg"; rm -rf "$work"' EXIT
"$root/scripts/test-postgres.sh" start "$pg" >/dev/null
psql "postgresql:///postgres?host=$pg&user=trainyard" -qc "CREATE DATABASE bench"
"$bin" "$work/sqlite" "postgresql:///bench?host=$pg&user=trainyard" "${1:-2000}"
