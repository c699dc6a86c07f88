#!/usr/bin/env bash
# Runs the same swap sequence through @uniswap/v3-sdk (node) and through the
# C++ engine in one run, and prints both rates and their ratio.
#
#   bench/univ3_vs_sdk.sh [swaps=20000]
# Env: BUILD_DIR (default build/univ3; configured with -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/univ3}"
SWAPS="${1:-20000}"

if [ ! -d "$ROOT/bench/univ3_sdk/node_modules/@uniswap/v3-sdk" ]; then
  (cd "$ROOT/bench/univ3_sdk" && npm ci --no-audit --no-fund >/dev/null)
fi
if [ ! -f "$BUILD_DIR/build.ninja" ] && [ ! -f "$BUILD_DIR/Makefile" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD_DIR" --target univ3_vs_sdk -j2 >/dev/null

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
node "$ROOT/bench/univ3_sdk/swap_bench.js" "$TMP/sequence.json" "$SWAPS" 3 | tee "$TMP/sdk.txt"
"$BUILD_DIR/bench/univ3_vs_sdk" "$TMP/sequence.json" 20 | tee "$TMP/engine.txt"
SDK_RATE="$(awk '/^sdk_swaps_per_second/ {print $2}' "$TMP/sdk.txt")"
SDK_PUBLIC_RATE="$(awk '/^sdk_public_api_swaps_per_second/ {print $2}' "$TMP/sdk.txt")"
ENGINE_RATE="$(awk '/^engine_swaps_per_second/ {print $2}' "$TMP/engine.txt")"
# v3Swap is the SDK's swap simulator itself; Pool.getOutputAmount/
# getInputAmount is the public API most users call.
awk -v e="$ENGINE_RATE" -v s="$SDK_RATE" 'BEGIN { printf "ratio_engine_over_sdk_v3swap %.1f\n", e / s }'
awk -v e="$ENGINE_RATE" -v s="$SDK_PUBLIC_RATE" 'BEGIN { printf "ratio_engine_over_sdk_public_api %.1f\n", e / s }'
# The same ratio in CPU time (this thread for the engine, the node process
# for the SDK): on a shared machine wall time also counts other processes.
SDK_CPU_RATE="$(awk '/^sdk_swaps_per_cpu_second/ {print $2}' "$TMP/sdk.txt")"
ENGINE_CPU_RATE="$(awk '/^engine_swaps_per_cpu_second/ {print $2}' "$TMP/engine.txt")"
awk -v e="$ENGINE_CPU_RATE" -v s="$SDK_CPU_RATE" 'BEGIN { printf "ratio_engine_over_sdk_v3swap_cpu_time %.1f\n", e / s }'
