#!/usr/bin/env bash
# Off-policy training speed (NOT part of `make test`): SAC, TD3 and DDPG on
# Pendulum-v1 and DQN on CartPole-v1, trainyard (fused C++ networks) against
# the same algorithms in plain Python PyTorch (bench/rl_offpolicy_baseline.py,
# Debian python3-torch: scripts/install-deps.sh --bench), back to back in the
# same run, each side with 1 and 2 threads, at two network sizes:
#   products  64x64, batch 64 (the gym's and ILP's tuned agents)
#   zoo       SAC 256x256 batch 256; TD3/DDPG 400x300 batch 256
#             (rl-baselines3-zoo's Pendulum networks)
# Prints env-steps/s of wall-clock time and the ratios, and the same in
# env-steps per CPU-second of the training loop (trainyard: the process's
# user + sys time less that of a 1-step run of the same row, i.e. start-up;
# Python: time.process_time() around its loop), which a machine loaded by
# other work stretches far less than the wall clock. For the zoo size also
# the GFLOP/s the updates achieve per CPU-second (the matrix products
# trainyard's fused path performs per gradient step, counted below, times
# gradient steps per CPU-second; with 2 threads that is per busy core) next
# to this machine's single-core SGEMM rate (torch.mm, 1 thread, best of
# several 1024^3 products in CPU time) measured in the same run. The machine
# is shared: the load average is printed with every pair.
#
# Usage: bench/rl_offpolicy.sh [trainyard-binary]
#   RL_OFF_ONLY=regex        run only rows whose "algo size" matches (e.g. "sac products")
#   RL_OFF_THREADS="1 2"     thread counts
#   RL_OFF_SCALE=1           multiplies every step count (longer, steadier runs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/release/src/cli/trainyard}"
[[ -x "$bin" ]] || { echo "trainyard binary not found: $bin" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null ||
  { echo "python3-torch missing: scripts/install-deps.sh --bench" >&2; exit 2; }
only="${RL_OFF_ONLY:-.}"
threads_list="${RL_OFF_THREADS:-1 2}"
scale="${RL_OFF_SCALE:-1}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# One row: algo size env hidden batch trainyard-steps python-steps learning-starts
rows=(
  "sac products Pendulum-v1 64,64 64 10000 2000 100"
  "td3 products Pendulum-v1 64,64 64 15000 2000 100"
  "ddpg products Pendulum-v1 64,64 64 15000 2000 100"
  "dqn products CartPole-v1 64,64 64 100000 20000 1000"
  "sac zoo Pendulum-v1 256,256 256 1000 500 100"
  "td3 zoo Pendulum-v1 400,300 256 1000 500 100"
  "ddpg zoo Pendulum-v1 400,300 256 1000 500 100"
)
# DQN's CartPole settings: docs/benchmarks.md's learning-table row (the zoo's:
# 128 gradient steps every 256 env steps; linear learning-rate decay).
DQN_PARAMS="learning_rate=0.0023 lr_schedule=linear buffer_size=100000 gamma=0.99 target_update_interval=10 train_freq=256 gradient_steps=128 exploration_fraction=0.08 exploration_final_eps=0.04"

# FLOPs of one gradient step of the fused path (2 per multiply-add; biases
# and element-wise work not counted): forward = P multiply-adds per row for a
# network of P weights, backward = 2P - P0 (weight and input gradients, none
# for the first layer's input), input-gradient-only backward = P.
flops_per_step() {  # algo obs act hidden batch
  awk -v algo="$1" -v o="$2" -v d="$3" -v hidden="$4" -v b="$5" 'BEGIN {
    n = split(hidden, h, ",")
    dout = (algo == "sac") ? 2 * d : d
    pa = o * h[1]; pa0 = pa; pc = (o + d) * h[1]; pc0 = pc
    for (i = 1; i < n; i++) { pa += h[i] * h[i + 1]; pc += h[i] * h[i + 1] }
    pa += h[n] * dout; pc += h[n]
    nc = (algo == "ddpg") ? 1 : 2                # critics
    used = (algo == "sac") ? nc : 1              # critics in the actor loss
    delay = (algo == "td3") ? 2 : 1              # gradient steps per actor step
    next_part = pa                               # actor (target) on next obs
    critic_part = nc * (pc + pc + 2 * pc - pc0)  # targets, forward, backward
    actor_part = pa + used * (pc + pc) + 2 * pa - pa0  # forward, critics, backward
    macs = next_part + critic_part + actor_part / delay
    printf "%.0f", 2 * macs * b
  }'
}

sgemm_gflops() {
  /usr/bin/python3 - <<'PY'
import time, torch
torch.set_num_threads(1)
n = 1024
a, b = torch.randn(n, n), torch.randn(n, n)
best = 0.0
a @ b
for _ in range(8):
    t = time.process_time(); a @ b; dt = time.process_time() - t
    best = max(best, 2 * n ** 3 / max(dt, 1e-6) / 1e9)
print(f"{best:.1f}")
PY
}

load() { cut -d' ' -f1 /proc/loadavg; }

# CPU seconds (user + sys) of the children of the calling subshell, from the
# second line of bash's `times` ("0m1.230s 0m0.040s"). `times` writes to a
# file: in a pipe or $(...) it would run in a fresh process with no children.
child_cpu() {
  times >"$out/times"
  sed -n 2p "$out/times" | awk '{
    s = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } print s }'
}
ty_run() { ( "$bin" train "$@" 2>/dev/null; child_cpu ); }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
sgemm=$(OPENBLAS_NUM_THREADS=1 sgemm_gflops)
echo "single-core SGEMM (torch.mm 1024^3, 1 thread, best of 8 in CPU time): $sgemm GFLOP/s"
echo
echo "| algo | size | threads | trainyard env-steps/s | PyTorch env-steps/s | ratio | trainyard / PyTorch env-steps per CPU-s | ratio (CPU) | update GFLOP per CPU-s (trainyard / PyTorch) | % of SGEMM | load |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
best_rows=()  # per row: algo size best-trainyard(threads) best-PyTorch(threads)
for row in "${rows[@]}"; do
  read -r algo size env hidden batch ty_steps py_steps starts <<<"$row"
  [[ "$algo $size" =~ $only ]] || continue
  ty_steps=$((ty_steps * scale)); py_steps=$((py_steps * scale))
  params="hidden=$hidden batch_size=$batch learning_starts=$starts"
  if [[ "$algo" == dqn ]]; then
    params="$params $DQN_PARAMS"
  else
    params="$params learning_rate=0.001 buffer_size=$ty_steps"
  fi
  args=(); for p in $params; do args+=(--param "$p"); done
  # Start-up (loading libtorch, building the networks): a 1-step run.
  best_ty=0 best_ty_t="" best_py=0 best_py_t=""
  start_cpu=$(ty_run --algo "$algo" --env "$env" --steps 1 --seed 1 --threads 1 \
              --out "$out/$algo-$size-start" --log-every 1 "${args[@]}" | tail -n 1)
  for t in $threads_list; do
    dir="$out/$algo-$size-$t"
    log=$(ty_run --algo "$algo" --env "$env" --steps "$ty_steps" --seed 1 --threads "$t" \
          --out "$dir" --log-every "$ty_steps" "${args[@]}")
    ty=$(sed -n 's/.*episodes, \([0-9.]*\) steps\/s.*/\1/p' <<<"$log")
    ty_cpu=$(awk -v n="$ty_steps" -v c="$(tail -n 1 <<<"$log")" -v s="$start_cpu" \
             'BEGIN{printf "%.0f", n / (c - s)}')
    py=$(OPENBLAS_NUM_THREADS="$t" /usr/bin/python3 "$here/rl_offpolicy_baseline.py" --algo "$algo" \
         --steps "$py_steps" --seed 1 --threads "$t" --hidden "$hidden" --batch "$batch" \
         --learning-starts "$starts")
    pys=$(sed -n 's/.* sps=\([0-9.]*\).*/\1/p' <<<"$py")
    py_cpu=$(sed -n 's/.*cpu_sps=\([0-9.]*\).*/\1/p' <<<"$py")
    ratio=$(awk -v a="$ty" -v b="$pys" 'BEGIN{printf "%.1fx", a/b}')
    ratio_cpu=$(awk -v a="$ty_cpu" -v b="$py_cpu" 'BEGIN{printf "%.1fx", a/b}')
    gf="" pct=""
    if [[ "$size" == zoo ]]; then
      f=$(flops_per_step "$algo" 3 1 "$hidden" "$batch")
      # Gradient steps per env step: one after learning_starts.
      gty=$(awk -v f="$f" -v a="$ty_cpu" -v n="$ty_steps" -v l="$starts" 'BEGIN{print f*a*(n-l)/n/1e9}')
      gpy=$(awk -v f="$f" -v a="$py_cpu" -v n="$py_steps" -v l="$starts" 'BEGIN{print f*a*(n-l)/n/1e9}')
      gf=$(awk -v a="$gty" -v b="$gpy" 'BEGIN{printf "%.1f / %.1f", a, b}')
      pct=$(awk -v a="$gty" -v s="$sgemm" 'BEGIN{printf "%.0f %%", 100*a/s}')
    fi
    echo "| $algo | $size ($hidden, batch $batch) | $t | $ty | $pys | $ratio | $ty_cpu / $py_cpu | $ratio_cpu | $gf | $pct | $(load) |"
    if awk -v a="$ty" -v b="$best_ty" 'BEGIN{exit !(a > b)}'; then best_ty=$ty best_ty_t=$t; fi
    if awk -v a="$pys" -v b="$best_py" 'BEGIN{exit !(a > b)}'; then best_py=$pys best_py_t=$t; fi
  done
  best_rows+=("| $algo | $size | $best_ty ($best_ty_t) | $best_py ($best_py_t) | $(awk -v a="$best_ty" -v b="$best_py" 'BEGIN{printf "%.1fx", a/b}') |")
done
echo
echo "Best of each side over the thread counts, wall-clock (threads in parentheses):"
echo
echo "| algo | size | trainyard env-steps/s | PyTorch env-steps/s | best vs best |"
echo "|---|---|---:|---:|---:|"
for r in "${best_rows[@]}"; do echo "$r"; done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
