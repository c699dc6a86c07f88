#!/usr/bin/env bash
# Learning check of the ILP agents (NOT part of `make test`): for each
# window — a pool regime (preset: price, volatility, fee tier, flow, gas)
# and disjoint train / test market seeds — train PPO and DDPG on
# UniswapV3LP-v0 through the HTTP API, evaluate each on the unseen test
# seeds against every baseline (hodl, full_range, fixed ±r, tau_reset ±r),
# print one row per window (mean fee income − IL − gas per episode, USD)
# and count the windows each agent wins against each baseline.
#
# The default windows are regimes where providing liquidity CAN pay (a
# calm ETH period, a busy 0.05% pool, the correlated wstETH/WETH pair, a
# stablecoin pair at post-2024 gas; docs/market.md "regime presets"), plus
# BTC/WETH and the volatile WETH/USDC training pool where every LP baseline
# loses (the right answer there is to stay out, as HODL does). Two windows
# per regime use different train seeds and different test seeds. They are
# synthetic (no historical pool data ships with Trainyard).
#
# Besides the ±r baselines (r = ILP_BENCH_RANGE) the script evaluates the
# fixed and tau_reset baselines at every range of ILP_BENCH_RANGES on the
# same test seeds and reports the best of each in hindsight — a bar no
# strategy that picks its range before seeing the test prices could be
# sure to reach.
#
# Both agents use action_transform "recentre" (a0 = width of a range centred
# on the price, a1 = keep / move / exit; docs/ilp.md) and running statistics.
# PPO: 1000 episodes (200,000 steps; it needs that many to find the pool,
# with 250 it stayed out everywhere), rollout 1000, 10 epochs, lr 3e-4,
# log_std_init -1. DDPG: 200 episodes (40,000 steps), 64x64 networks (the
# rl default 256x256 made 10,000 steps take minutes), lr 3e-4 / 1e-3,
# batch 128.
#
# Usage: bench/ilp_reference.sh [trainyard-binary]
#   ILP_BENCH_STEPS=200          steps (one-hour blocks) per episode
#   ILP_BENCH_PPO_EPISODES=1000  PPO training episodes per window
#   ILP_BENCH_DDPG_EPISODES=200  DDPG training episodes per window
#   ILP_BENCH_EVAL_EPISODES=10
#   ILP_BENCH_RANGE=0.1          percentage_range of the ±r baselines
#   ILP_BENCH_RANGES="0.005 0.02 0.05 0.1 0.3"   best-in-hindsight sweep ("" = off)
#   ILP_BENCH_TRANSFORM=recentre  or linear / non-linear (the bound maps)
#   ILP_BENCH_PPO_LOG_STD=-1.0
#   ILP_BENCH_PPO_EXTRA=''       extra JSON fields for PPO's train body (", \"gamma\": 0.995")
#   ILP_BENCH_DDPG_EXTRA=''
#   ILP_BENCH_AGENTS="ppo ddpg"
#   ILP_BENCH_WINDOWS="WETH/USDC-calm:1 WETH/USDC-calm:2 ..."   pool:seed ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/release/src/cli/trainyard}"
[[ -x "$bin" ]] || { echo "trainyard binary not found: $bin" >&2; exit 2; }
steps="${ILP_BENCH_STEPS:-200}"
ppo_episodes="${ILP_BENCH_PPO_EPISODES:-1000}"
ddpg_episodes="${ILP_BENCH_DDPG_EPISODES:-200}"
eval_episodes="${ILP_BENCH_EVAL_EPISODES:-10}"
range="${ILP_BENCH_RANGE:-0.1}"
ranges="${ILP_BENCH_RANGES-0.005 0.02 0.05 0.1 0.3}"
transform="${ILP_BENCH_TRANSFORM:-recentre}"
ppo_log_std="${ILP_BENCH_PPO_LOG_STD:--1.0}"
ppo_extra="${ILP_BENCH_PPO_EXTRA:-}"
ddpg_extra="${ILP_BENCH_DDPG_EXTRA:-}"
agents="${ILP_BENCH_AGENTS:-ppo ddpg}"
windows="${ILP_BENCH_WINDOWS:-WETH/USDC-calm:1 WETH/USDC-calm:2 WETH/USDC-0.05:3 WETH/USDC-0.05:4 wstETH/WETH:5 wstETH/WETH:6 USDC/USDT:7 USDC/USDT:8 BTC/WETH:9 BTC/WETH:10 WETH/USDC:11}"
home="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
TRAINYARD_RATE_LIMIT_ELITE=100000000 "$bin" serve --home "$home" --port "$port" \
  --auth off --workers 2 --log-level warn >"$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$home"' EXIT
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 100); do curl -sf "$base/" >/dev/null && break; sleep 0.1; done

post() { curl -sf -X POST "$base/$1" -H "Content-Type: application/json" -d "$2"; }
wait_job() {  # algo job_id
  while :; do
    s=$(curl -sf "$base/$1/train-result/?job_id=$2" | jq -r .status)
    [[ "$s" != running ]] && { echo "$s"; return; }
    sleep 1
  done
}
gt() { awk -v a="$1" -v c="$2" 'BEGIN{exit !(a > c + 1e-9)}'; }
eq() { awk -v a="$1" -v c="$2" 'BEGIN{d = a - c; exit !(d <= 1e-9 && d >= -1e-9)}'; }

declare -A wins ties
start=$(date +%s)
echo "settings: agents $agents; ${steps}-step episodes; PPO $ppo_episodes episodes (log_std_init $ppo_log_std$ppo_extra), DDPG $ddpg_episodes episodes$ddpg_extra; action_transform $transform; eval $eval_episodes episodes on unseen seeds; baselines ±$range, best in hindsight over r in {${ranges// /, }}"
printf "| window | pool | PPO | DDPG | hodl | full_range | fixed ±%s | tau_reset ±%s | best fixed (r) | best tau_reset (r) | PPO fees / IL / gas | DDPG fees / IL / gas | s |\n" "$range" "$range"
printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
n=0
compared="hodl full_range fixed tau_reset best_fixed best_tau all"
for w in $windows; do
  wstart=$(date +%s)
  pool="${w%%:*}"; seed="${w##*:}"; n=$((n + 1))
  eval_seed=$((100000 + seed * 1000))
  declare -A agent=([ppo]=nan [ddpg]=nan) parts=([ppo]="-" [ddpg]="-") base_r=()
  first=""
  for algo in $agents; do
    name="w${n}_${algo}"
    if [[ $algo == ppo ]]; then
      extra="\"buffer_size\": 1000, \"n_epochs\": 10, \"alpha\": 0.0003, \"log_std_init\": $ppo_log_std$ppo_extra"
      n_ep=$ppo_episodes
    else
      extra="\"alpha\": 0.0003, \"beta\": 0.001, \"batch_size\": 128, \"hidden\": [64, 64]$ddpg_extra"
      n_ep=$ddpg_episodes
    fi
    body="{\"max_steps\": $steps, \"n_episodes\": $n_ep, \"model_name\": \"$name\",
           \"pools\": [\"$pool\"], \"seed\": $seed, \"use_running_statistics\": true,
           \"action_transform\": \"$transform\", $extra}"
    job=$(post "$algo/train/" "$body" | jq -r .job_id)
    status=$(wait_job "$algo" "$job")
    [[ "$status" == done ]] || { echo "training $name: $status" >&2; exit 1; }
    eval_body="{\"model_name\": \"$name\", \"eval_steps\": $steps, \"eval_episodes\": $eval_episodes,
                \"percentage_range\": $range, \"seed\": $eval_seed,
                \"baselines\": [\"hodl\", \"full_range\", \"fixed\", \"tau_reset\"]}"
    result=$(post "$algo/evaluate/" "$eval_body")
    agent[$algo]=$(jq .agent.mean_reward_usd <<<"$result")
    parts[$algo]=$(jq -r '.agent | "\(.mean_fee_income_usd*10|round/10) / \(.mean_impermanent_loss_usd*10|round/10) / \(.mean_gas_usd*10|round/10)"' <<<"$result")
    for b in hodl full_range fixed tau_reset; do
      base_r[$b]=$(jq ".baselines.$b.mean_reward_usd" <<<"$result")
    done
    [[ -z "$first" ]] && first=$name
  done
  # Best fixed / tau_reset range in hindsight on the same test seeds.
  base_r[best_fixed]=${base_r[fixed]}; best_fixed_r=$range
  base_r[best_tau]=${base_r[tau_reset]}; best_tau_r=$range
  for r in $ranges; do
    algo="${first##*_}"
    result=$(post "$algo/evaluate/" "{\"model_name\": \"$first\", \"eval_steps\": $steps,
      \"eval_episodes\": $eval_episodes, \"percentage_range\": $r, \"seed\": $eval_seed,
      \"baselines\": [\"fixed\", \"tau_reset\"]}")
    f=$(jq .baselines.fixed.mean_reward_usd <<<"$result")
    t=$(jq .baselines.tau_reset.mean_reward_usd <<<"$result")
    gt "$f" "${base_r[best_fixed]}" && { base_r[best_fixed]=$f; best_fixed_r=$r; }
    gt "$t" "${base_r[best_tau]}" && { base_r[best_tau]=$t; best_tau_r=$r; }
  done
  # "all": the best of the four ±r baselines (an agent must beat each one).
  base_r[all]=${base_r[hodl]}
  for b in full_range fixed tau_reset; do
    gt "${base_r[$b]}" "${base_r[all]}" && base_r[all]=${base_r[$b]}
  done
  printf "| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f (±%s) | %.1f (±%s) | %s | %s | %d |\n" \
    "$n" "$pool" "${agent[ppo]}" "${agent[ddpg]}" "${base_r[hodl]}" \
    "${base_r[full_range]}" "${base_r[fixed]}" "${base_r[tau_reset]}" \
    "${base_r[best_fixed]}" "$best_fixed_r" "${base_r[best_tau]}" "$best_tau_r" \
    "${parts[ppo]}" "${parts[ddpg]}" $(( $(date +%s) - wstart ))
  for algo in $agents; do
    for b in $compared; do
      if gt "${agent[$algo]}" "${base_r[$b]}"; then
        wins[$algo,$b]=$(( ${wins[$algo,$b]:-0} + 1 ))
      elif eq "${agent[$algo]}" "${base_r[$b]}"; then
        ties[$algo,$b]=$(( ${ties[$algo,$b]:-0} + 1 ))
      fi
    done
  done
done
echo
echo "Windows won (mean fee income - IL - gas per test episode above the baseline's; tied = equal mean), of $n:"
printf "| agent | vs hodl | vs full_range | vs fixed ±%s | vs tau_reset ±%s | vs all four ±%s | vs best fixed in hindsight | vs best tau_reset in hindsight |\n" "$range" "$range" "$range"
printf "|---|---|---|---|---|---|---|---|\n"
for algo in $agents; do
  line="| $algo"
  for b in hodl full_range fixed tau_reset all best_fixed best_tau; do
    cell="${wins[$algo,$b]:-0}"
    [[ -n "${ties[$algo,$b]:-}" ]] && cell+=" (+${ties[$algo,$b]} tied)"
    line+=" | $cell"
  done
  echo "$line |"
done
echo "(total $(( $(date +%s) - start )) s)"
