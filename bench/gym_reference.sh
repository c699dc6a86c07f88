#!/usr/bin/env bash
# Learning check of the edge-scaling gym (docs/gym.md): PPO and DQN against
# the HPA rule, static and max-replica policies on a steady, a diurnal and a
# bursty group, 5 seeds each; prints a Markdown table. The agents use one
# decision per service and the time-of-day and rate-trend features (the
# environment settings below, as POST /api/v1/training takes them).
#   bench/gym_reference.sh [build-dir] [steps-per-run] [seeds] [env-json]
#                          [params-json] [extra gym_reference flags...]
# e.g. the budgeted PPO of docs/gym.md on bursty load:
#   bench/gym_reference.sh build/release 120000 5 \
#     '{"action_mode":"per_service","observe_trend":true,"service_rewards":true,"replica_cost":0.15,"replica_budget":10.4,"replica_budget_step":0.00002}' \
#     '{"gamma":0.0,"ent_coef":0.03,"n_steps":1024,"batch_size":256}' \
#     --groups bursty --algos ppo --sample 1 --per-seed 1
set -euo pipefail
build=${1:-build/release}
steps=${2:-30000}
seeds=${3:-5}
env_json=${4:-'{"action_mode":"per_service","observe_time":true,"observe_trend":true}'}
params_json=${5:-'{}'}
shift $(($# < 5 ? $# : 5))
cmake --build "$build" --target gym_reference
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/bench/gym_reference" --seeds "$seeds" --steps "$steps" \
  --eval-steps 1000 --out "$out" --env "$env_json" --params "$params_json" "$@"
