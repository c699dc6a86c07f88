#!/usr/bin/env bash
# Reads a Uniswap V3 pool from a local EVM the way `trainyard chain` does and
# compares, in the same run against the same node: the snapshot batched vs
# one JSON-RPC call per HTTP request, the history with paged eth_getLogs vs
# one call per block, the same snapshot and history done with ethers.js in
# node at the same round trips (bench/chain_ethers.js), and the engine's
# replay speed (events/s).
#
#   bench/chain.sh [positions=600] [swaps=10000] [spread=20000] [per_block=100]
#
# The defaults give the issue's sizes: >= 1,000 initialised ticks and
# >= 10,000 events in the measured pool (the 0.05% one). The test chain mines
# `per_block` of its position and swap transactions to a block (testnet.js
# --per-block; ganache's cost is partly per block) and loads only the
# measured pool (--only-last-pool).
# Env: BUILD_DIR (default build/release). The chain (ganache from npm,
# tests/chain) runs on a free loopback port and is stopped by PID.
# TESTNET_READY=FILE measures a test chain already running instead: FILE
# holds the "READY {...}" line testnet.js printed (the size arguments are
# then only echoed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
POSITIONS="${1:-600}"
SWAPS="${2:-10000}"
SPREAD="${3:-20000}"
PER_BLOCK="${4:-100}"

if [ ! -d "$ROOT/tests/chain/node_modules/ganache" ]; then
  (cd "$ROOT/tests/chain" && npm ci --no-audit --no-fund --ignore-scripts \
     --loglevel=error >/dev/null)
fi
cmake --build "$BUILD_DIR" --target chain_bench -j2 >/dev/null

TMP="$(mktemp -d)"
if [ -n "${TESTNET_READY:-}" ]; then
  trap 'rm -rf "$TMP"' EXIT
  cp "$TESTNET_READY" "$TMP/node.out"
else
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  node "$ROOT/tests/chain/testnet.js" --port "$PORT" --seed 3 \
    --positions "$POSITIONS" --swaps "$SWAPS" --spread "$SPREAD" --fast \
    --per-block "$PER_BLOCK" --only-last-pool \
    >"$TMP/node.out" 2>"$TMP/node.err" &
  NODE_PID=$!
  trap 'kill "$NODE_PID" 2>/dev/null; wait "$NODE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

  START=$(date +%s)
  until grep -q '^READY ' "$TMP/node.out"; do
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      echo "testnet died:" >&2; cat "$TMP/node.err" >&2; exit 1
    fi
    sleep 1
  done
  echo "testnet_deploy_seconds $(( $(date +%s) - START ))"
fi
INFO="$(sed -n 's/^READY //p' "$TMP/node.out")"
RPC="$(node -e 'console.log(JSON.parse(process.argv[1]).rpc)' "$INFO")"
# The 0.05% pool (spacing 10): the one with the most initialised ticks.
POOL="$(node -e 'console.log(JSON.parse(process.argv[1]).pools[1].address)' "$INFO")"
echo "positions $POSITIONS swaps $SWAPS spread $SPREAD per_block $PER_BLOCK"
"$BUILD_DIR/bench/chain_bench" "$RPC" "$POOL" | tee "$TMP/trainyard.out"
HEAD_BLOCK="$(sed -n 's/^head_block //p' "$TMP/trainyard.out")"
node "$ROOT/bench/chain_ethers.js" "$RPC" "$POOL" "$HEAD_BLOCK" 200 5000 \
  | tee "$TMP/ethers.out"
# ethers over Trainyard: above 1 means Trainyard is faster.
awk '{v[$1] = $2}
  END {
    if (v["ethers_snapshot_initialised_ticks"] != v["snapshot_initialised_ticks"] ||
        v["ethers_history_events"] != v["history_events"]) {
      print "ethers and Trainyard read different pools" > "/dev/stderr"; exit 1
    }
    printf "ratio_snapshot_seconds_ethers_over_trainyard %.2f\n",
      v["ethers_snapshot_seconds"] / v["snapshot_batched_seconds"]
    printf "ratio_snapshot_round_trips_ethers_over_trainyard %.2f\n",
      v["ethers_snapshot_round_trips"] / v["snapshot_batched_round_trips"]
    printf "ratio_history_seconds_ethers_over_trainyard %.2f\n",
      v["ethers_history_seconds"] / v["history_paged_seconds"]
    printf "ratio_history_round_trips_ethers_over_trainyard %.2f\n",
      v["ethers_history_round_trips"] / v["history_paged_round_trips"]
    printf "summary snapshot of %d ticks: Trainyard %.3f s in %d round trips, " \
      "ethers.js %.3f s in %d, one call per request %d\n",
      v["snapshot_initialised_ticks"], v["snapshot_batched_seconds"],
      v["snapshot_batched_round_trips"], v["ethers_snapshot_seconds"],
      v["ethers_snapshot_round_trips"], v["snapshot_per_request_round_trips"]
    printf "summary history of %d events: Trainyard %.3f s in %d round trips, " \
      "ethers.js %.3f s in %d, one call per block %d\n",
      v["history_events"], v["history_paged_seconds"],
      v["history_paged_round_trips"], v["ethers_history_seconds"],
      v["ethers_history_round_trips"], v["history_per_block_round_trips"]
  }' "$TMP/trainyard.out" "$TMP/ethers.out"
