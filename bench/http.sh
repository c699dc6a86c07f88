#!/usr/bin/env bash
# HTTP benchmark: GET /api/v1/health on Trainyard against the same route on
# a minimal FastAPI + uvicorn app (bench/fastapi_health.py), measured in the
# same run with wrk. Prints throughput, p50/p99 latency at full load and
# p99 at a paced ~1,000 requests/s, and the ratios.
#   bench/http.sh [path/to/trainyard] [seconds per run, default 10]
# Needs: wrk python3-fastapi python3-uvicorn (`make bench` installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/release/src/cli/trainyard}"
secs="${2:-10}"
connections=64
threads=2
py=/usr/bin/python3

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run 'make bench' first" >&2; exit 1; }
done
$py -c 'import fastapi, uvicorn' 2>/dev/null ||
  { echo "missing python3-fastapi/python3-uvicorn: run 'make bench' first" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "no trainyard binary at $bin: run 'make' first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }

ty_port=$(free_port)
TRAINYARD_HOME="$work/home" "$bin" serve --port "$ty_port" --log-level warn --workers 0 \
  >"$work/trainyard.log" 2>&1 &
pids+=($!)
py_port=$(free_port)
(cd "$here" && exec $py -m uvicorn fastapi_health:app --host 127.0.0.1 --port "$py_port" \
  --log-level warning --no-access-log) >"$work/uvicorn.log" 2>&1 &
pids+=($!)
ty_url="http://127.0.0.1:$ty_port/api/v1/health"
py_url="http://127.0.0.1:$py_port/api/v1/health"
wait_up "$ty_url"
wait_up "$py_url"

# ~1,000 requests/s: 10 connections each waiting 10 ms before every request.
cat >"$work/paced.lua" <<'LUA'
function delay() return 10 end
LUA

# Prints "rps p50_ms p99_ms" from wrk --latency output.
parse() {
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    $1=="50%" { p50=ms($2) }
    $1=="99%" { p99=ms($2) }
    END { printf "%s %.3f %.3f\n", rps, p50, p99 }'
}
load() { wrk -t"$threads" -c"$connections" -d"${secs}s" --latency "$1" | parse; }
paced() { wrk -t2 -c10 -d"${secs}s" --latency -s "$work/paced.lua" "$1" | parse; }

wrk -t1 -c4 -d1s "$ty_url" >/dev/null; wrk -t1 -c4 -d1s "$py_url" >/dev/null  # warm up
read -r ty_rps ty_p50 ty_p99 <<<"$(load "$ty_url")"
read -r py_rps py_p50 py_p99 <<<"$(load "$py_url")"
read -r ty_prps _ ty_pp99 <<<"$(paced "$ty_url")"
read -r py_prps _ py_pp99 <<<"$(paced "$py_url")"

printf '\nGET /api/v1/health, %ss per run, wrk -t%s -c%s, %s cores\n' "$secs" "$threads" "$connections" "$(nproc)"
printf '%-22s %12s %10s %10s %16s %14s\n' server 'requests/s' 'p50 ms' 'p99 ms' 'paced req/s' 'paced p99 ms'
printf '%-22s %12.0f %10.3f %10.3f %16.0f %14.3f\n' trainyard "$ty_rps" "$ty_p50" "$ty_p99" "$ty_prps" "$ty_pp99"
printf '%-22s %12.0f %10.3f %10.3f %16.0f %14.3f\n' 'fastapi+uvicorn' "$py_rps" "$py_p50" "$py_p99" "$py_prps" "$py_pp99"
awk -v a="$ty_rps" -v b="$py_rps" 'BEGIN { printf "throughput ratio trainyard/fastapi: %.1fx (goal >= 10x)\n", a/b }'
awk -v p="$ty_pp99" 'BEGIN { printf "trainyard p99 at ~1,000 req/s: %.3f ms (goal <= 2 ms)\n", p }'
