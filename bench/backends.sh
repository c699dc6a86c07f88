#!/usr/bin/env bash
# The same server on its two metadata stores, measured in one run: requests/s
# of GET /api/v1/health and of a typical authenticated read (a user's AI
# Studio model list, 20 models, bearer token checked and rate limit counted
# on every request) with the embedded SQLite file and with a throwaway
# PostgreSQL 15 (scripts/test-postgres.sh, on a unix socket, removed
# afterwards). Prints the PostgreSQL / SQLite ratio (goal: authenticated
# reads on PostgreSQL >= 50 % of SQLite, issue 18).
#   bench/backends.sh [seconds per run, default 10]
# Needs: wrk (`make bench` installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/release/src/cli/trainyard"
secs="${1:-10}"
connections=16
threads=2
command -v wrk >/dev/null || { echo "missing wrk: run 'make bench' first" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "no trainyard binary at $bin: run 'make' first" >&2; exit 1; }

work=$(mktemp -d /tmp/trainyard-backends-bench.XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as another user when we are root
pg="$work/pg"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/scripts/test-postgres.sh" stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/test-postgres.sh" start "$pg" >/dev/null
psql "postgresql:///postgres?host=$pg&user=trainyard" -qc "CREATE DATABASE bench"
pg_url="postgresql:///bench?host=$pg&user=trainyard"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

# Starts a server on the given store, makes a user with 20 models, and
# prints "PORT TOKEN". No job workers: only the request path is measured.
start_server() {
  local name=$1 url=$2 port token
  port=$(free_port)
  local env=(TRAINYARD_HOME="$work/$name" TRAINYARD_RATE_LIMIT_ELITE=1000000000)
  [[ -n "$url" ]] && env+=(TRAINYARD_DATABASE_URL="$url")
  env "${env[@]}" "$bin" serve --port "$port" --workers 0 --log-level warn \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$port/api/v1/health"
  token=$(env "${env[@]}" "$bin" token create --user reader --tier ELITE \
            --log-level off | grep -o 'ty_[0-9a-f]*' | head -1)
  [[ -n "$token" ]] || { echo "no token for $name" >&2; exit 1; }
  for i in $(seq 1 20); do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/api/ai-studio/models/" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d '{"name": "Momentum '"$i"'", "model_type": "CLASSIFICATION",
           "algorithm": "RANDOM_FOREST", "target_variable": "signal_type",
           "features": ["rsi_14", "macd_signal"],
           "hyperparameters": {"n_estimators": 100, "max_depth": 6},
           "training_config": {"symbols": ["NIFTY50"], "start_date": "2023-01-01",
                               "end_date": "2024-12-31", "train_test_split": 0.8}}' ||
      { echo "creating a model on $name failed" >&2; exit 1; }
  done
  echo "$port $token"
}

cat >"$work/auth.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
LUA
# Prints "requests/s p99_ms non_2xx" of one wrk run.
measure() {
  local url=$1 token=${2:-}
  BENCH_TOKEN="$token" wrk -t"$threads" -c"$connections" -d"${secs}s" --latency \
      -s "$work/auth.lua" "$url" |
    awk '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /Requests\/sec/ { rps=$2 }
      $1=="99%" { p99=ms($2) }
      /Non-2xx/ { bad=$4 }
      END { printf "%s %.3f %d\n", rps, p99, bad }'
}

read -r sq_port sq_token <<<"$(start_server sqlite "")"
read -r pg_port pg_token <<<"$(start_server postgresql "$pg_url")"
models=/api/ai-studio/models/
# Warm up both (connections, caches), then measure back to back.
for p in "$sq_port" "$pg_port"; do wrk -t1 -c4 -d1s "http://127.0.0.1:$p/api/v1/health" >/dev/null; done
read -r sq_h sq_h99 _ <<<"$(measure "http://127.0.0.1:$sq_port/api/v1/health")"
read -r pg_h pg_h99 _ <<<"$(measure "http://127.0.0.1:$pg_port/api/v1/health")"
read -r sq_r sq_r99 sq_bad <<<"$(measure "http://127.0.0.1:$sq_port$models" "$sq_token")"
read -r pg_r pg_r99 pg_bad <<<"$(measure "http://127.0.0.1:$pg_port$models" "$pg_token")"
if [[ "$sq_bad" != 0 || "$pg_bad" != 0 ]]; then
  echo "non-2xx answers during the run (sqlite $sq_bad, postgresql $pg_bad)" >&2
  exit 1
fi

printf '\n%ss per run, wrk -t%s -c%s, %s cores, load average %s\n' "$secs" "$threads" \
  "$connections" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %14s %10s %14s %10s %8s\n' route 'SQLite req/s' 'p99 ms' 'PG req/s' 'p99 ms' 'PG/SQL'
row() { awk -v n="$1" -v a="$2" -v a9="$3" -v b="$4" -v b9="$5" \
  'BEGIN { printf "%-34s %14.0f %10.3f %14.0f %10.3f %7.0f%%\n", n, a, a9, b, b9, 100*b/a }'; }
row "GET /api/v1/health" "$sq_h" "$sq_h99" "$pg_h" "$pg_h99"
row "GET $models (auth, 20 models)" "$sq_r" "$sq_r99" "$pg_r" "$pg_r99"
awk -v a="$sq_r" -v b="$pg_r" 'BEGIN { r=100*b/a; printf "authenticated reads on PostgreSQL: %.0f%% of SQLite (goal >= 50%%): %s\n", r, (r >= 50 ? "met" : "MISSED") }'
