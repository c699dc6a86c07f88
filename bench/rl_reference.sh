#!/usr/bin/env bash
# Reference learning results of the rl layer (NOT part of `make test`).
# Trains each algorithm for 3 seeds with rl-baselines3-zoo hyperparameters,
# evaluates every final policy for 20 deterministic episodes and prints a
# Markdown table against the published targets; then measures PPO CartPole
# training speed against a plain PyTorch implementation (bench/rl_ppo_baseline.py,
# Debian python3-torch) in the same run, and raw CartPole stepping speed.
#
# Usage: bench/rl_reference.sh [trainyard-binary]
#   RL_BENCH_SEEDS="1 2 3"   seeds per row
#   RL_BENCH_ONLY=regex      run only rows whose "algo env" matches
#   RL_BENCH_OUT=dir         where runs go (default: a temp dir, removed)
#   RL_BENCH_THREADS=1       torch threads for the learning rows
#   RL_BENCH_SPEED_THREADS="1 2"  thread counts tried by the speed comparison (best vs best)
#   RL_BENCH_SKIP_SPEED=1    skip the Python comparison
# Takes hours with every row on 2 cores (SAC/TD3/DDPG with the zoo's large
# networks dominate); use RL_BENCH_ONLY to run a subset.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/release/src/cli/trainyard}"
[[ -x "$bin" ]] || { echo "trainyard binary not found: $bin" >&2; exit 2; }
seeds="${RL_BENCH_SEEDS:-1 2 3}"
only="${RL_BENCH_ONLY:-.}"
threads="${RL_BENCH_THREADS:-1}"
out="${RL_BENCH_OUT:-$(mktemp -d)}"
[[ -z "${RL_BENCH_OUT:-}" ]] && trap 'rm -rf "$out"' EXIT
mkdir -p "$out"

PPO_CARTPOLE="n_envs=8 buffer_size=32 batch_size=256 n_epochs=20 gae_lambda=0.8 gamma=0.98 learning_rate=0.001 lr_schedule=linear clip_schedule=linear"
# One row: algo env steps target "params"
rows=(
  "ppo CartPole-v1 100000 475 $PPO_CARTPOLE"
  # The zoo's DQN CartPole settings (tuned for 50k steps) over 100k steps: the
  # exploration phase kept at the zoo's 8,000 steps (exploration_fraction is a
  # fraction of the budget) and the learning rate decayed linearly to 0
  # (7 of 8 seeds reach 500, docs/benchmarks.md).
  "dqn CartPole-v1 100000 475 learning_rate=0.0023 lr_schedule=linear batch_size=64 buffer_size=100000 learning_starts=1000 gamma=0.99 target_update_interval=10 train_freq=256 gradient_steps=128 exploration_fraction=0.08 exploration_final_eps=0.04 hidden=256,256"
  "sac Pendulum-v1 20000 -200 learning_rate=0.001"
  "td3 Pendulum-v1 20000 -200 learning_rate=0.001 learning_starts=10000 action_noise=0.1 hidden=400,300"
  "ddpg Pendulum-v1 20000 -200 learning_rate=0.001 learning_starts=10000 action_noise=0.1 hidden=400,300"
  # The zoo's PPO Pendulum-v1 and SAC MountainCarContinuous-v0 settings, both
  # with gSDE (use_sde; the zoo's log_std_init where it sets one).
  "ppo Pendulum-v1 200000 -250 n_envs=4 buffer_size=1024 batch_size=64 gae_lambda=0.95 gamma=0.9 n_epochs=10 ent_coef=0 learning_rate=0.001 policy_clip=0.2 use_sde=true sde_sample_freq=4"
  "sac MountainCarContinuous-v0 50000 90 learning_rate=0.0003 buffer_size=50000 batch_size=512 ent_coef=0.1 train_freq=32 gradient_steps=32 gamma=0.9999 tau=0.01 learning_starts=0 hidden=64,64 use_sde=true log_std_init=-3.67"
  "q_learning CartPole-v1 200000 400 bins=1,1,12,12 obs_clip=0.87 learning_rate=0.1 gamma=0.99 exploration_fraction=0.5 exploration_final_eps=0"
)

ppo_cartpole_sps=""
echo "| algorithm | env | steps | target | eval return per seed (20 det. episodes) | mean | train SPS (mean) | meets target |"
echo "|---|---|---:|---:|---|---:|---:|:---:|"
for row in "${rows[@]}"; do
  read -r algo env steps target params <<<"$row"
  params="${row#"$algo $env $steps $target"}"
  [[ "$algo $env" =~ $only ]] || continue
  returns=(); sps_sum=0; n=0
  for seed in $seeds; do
    dir="$out/$algo-$env-$seed"
    rm -rf "$dir"
    args=()
    for p in $params; do args+=(--param "$p"); done
    log=$("$bin" train --algo "$algo" --env "$env" --steps "$steps" --seed "$seed" \
          --threads "$threads" --out "$dir" --log-every "$steps" "${args[@]}" 2>/dev/null)
    sps=$(sed -n 's/.*episodes, \([0-9.]*\) steps\/s.*/\1/p' <<<"$log")
    ev=$("$bin" evaluate --model "$dir" --episodes 20 --deterministic --seed 1000)
    ret=$(sed -n 's/.*mean return \([-0-9.]*\) .*/\1/p' <<<"$ev")
    returns+=("$ret"); sps_sum=$(awk -v a="$sps_sum" -v b="$sps" 'BEGIN{print a+b}'); n=$((n+1))
  done
  mean=$(printf '%s\n' "${returns[@]}" | awk '{s+=$1} END{printf "%.1f", s/NR}')
  sps=$(awk -v s="$sps_sum" -v n="$n" 'BEGIN{printf "%.0f", s/n}')
  ok=$(awk -v m="$mean" -v t="$target" 'BEGIN{print (m>=t)?"yes":"no"}')
  [[ "$algo $env" == "ppo CartPole-v1" ]] && ppo_cartpole_sps="$sps"
  echo "| $algo | $env | $steps | ≥ $target | ${returns[*]} | $mean | $sps | $ok |"
done

if [[ -z "${RL_BENCH_SKIP_SPEED:-}" ]]; then
  echo
  echo "Speed: PPO CartPole-v1 training (zoo hyperparameters), each side at 1 and 2 threads"
  # Measured back to back with the Python runs (not taken from the table, whose
  # rows may have run under different machine load). This is a 2-core machine:
  # each implementation is timed with 1 and 2 threads and its best is compared.
  best_ty=0; best_py=0
  for t in ${RL_BENCH_SPEED_THREADS:-1 2}; do
    dir="$out/speed-ppo-$t"
    rm -rf "$dir"
    args=(); for p in $PPO_CARTPOLE; do args+=(--param "$p"); done
    log=$("$bin" train --algo ppo --env CartPole-v1 --steps 100000 --seed 1 --threads "$t" \
          --out "$dir" --log-every 100000 "${args[@]}" 2>/dev/null)
    ty_sps=$(sed -n 's/.*episodes, \([0-9.]*\) steps\/s.*/\1/p' <<<"$log")
    # The same BLAS thread count for the Python process (trainyard sets its own).
    py=$(OPENBLAS_NUM_THREADS="$t" /usr/bin/python3 "$here/rl_ppo_baseline.py" --steps "${RL_BENCH_PY_STEPS:-20480}" --seed 1 --threads "$t")
    py_sps=$(sed -n 's/.*sps=\([0-9.]*\).*/\1/p' <<<"$py")
    echo "  $t thread(s): trainyard (C++) $ty_sps env-steps/s; Python PyTorch baseline $py_sps env-steps/s ($py)"
    best_ty=$(awk -v a="$best_ty" -v b="$ty_sps" 'BEGIN{print (b > a) ? b : a}')
    best_py=$(awk -v a="$best_py" -v b="$py_sps" 'BEGIN{print (b > a) ? b : a}')
  done
  echo "  best trainyard: $best_ty env-steps/s; best Python: $best_py env-steps/s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  awk -v a="$best_ty" -v b="$best_py" 'BEGIN{printf "  ratio (best vs best): %.1fx (goal >= 10x; absolute goal >= 20000 steps/s)\n", a/b}'
  cartpole_bench="$(dirname "$bin")/../../bench/env_cartpole_bench"
  if [[ -x "$cartpole_bench" ]]; then
    echo "Raw CartPole-v1 stepping (env layer's bench/env_cartpole_bench):"
    "$cartpole_bench" | sed 's/^/  /'
  fi
fi
