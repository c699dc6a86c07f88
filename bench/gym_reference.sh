#!/usr/bin/env bash
# Learning check of the edge-scaling gym (docs/gym.md): PPO and DQN against
# the HPA rule, static and max-replica policies on a steady, a diurnal and a
# bursty group, 5 seeds each; prints a Markdown table.
#   bench/gym_reference.sh [build-dir] [steps-per-run] [seeds]
set -euo pipefail
build=${1:-build/release}
steps=${2:-20000}
seeds=${3:-5}
cmake --build "$build" --target gym_reference
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/bench/gym_reference" --seeds "$seeds" --steps "$steps" \
  --eval-steps 1000 --out "$out"
