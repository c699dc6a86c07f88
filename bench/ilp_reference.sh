#!/usr/bin/env bash
# Learning check of the ILP agents (NOT part of `make test`): for each
# window — a pool regime (preset: price, volatility, fee tier) and disjoint
# train / test market seeds — train PPO and DDPG on UniswapV3LP-v0 through
# the HTTP API, evaluate each on the unseen test seeds against every
# baseline (hodl, full_range, fixed ±r, tau_reset ±r), print one row per
# window (mean fee income − IL − gas per episode, USD) and count the windows
# each agent wins against each baseline.
#
# The windows are synthetic market regimes (no historical pool data ships
# with Trainyard); import real prices with POST /api/v1/pool-data/import/ to
# use them for predict-action.
#
# Both agents use action_transform "recentre" (a0 = width of a range centred
# on the price, a1 = keep / move / exit; docs/ilp.md) and running statistics;
# PPO starts with log_std_init -2 (std 0.14 on the unit box) so its first
# policy mostly keeps instead of paying gas every step.
#
# Usage: bench/ilp_reference.sh [trainyard-binary]
#   ILP_BENCH_EPISODES=50    training episodes per agent and window
#   ILP_BENCH_STEPS=200      steps per episode (train and evaluation)
#   ILP_BENCH_EVAL_EPISODES=10
#   ILP_BENCH_RANGE=0.1      percentage_range of the fixed / tau_reset baselines
#   ILP_BENCH_TRANSFORM=recentre   or linear / non-linear (the bound maps)
#   ILP_BENCH_PPO_LOG_STD=-2.0
#   ILP_BENCH_PPO_EPISODES=250   (PPO trains ~30x faster than DDPG)
#   ILP_BENCH_AGENTS="ppo ddpg"
#   ILP_BENCH_WINDOWS="WETH/USDC:1 ETH/DAI:2 BTC/USDT:3 BTC/WETH:4 WETH/USDT:5 WETH/USDC:6"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/release/src/cli/trainyard}"
[[ -x "$bin" ]] || { echo "trainyard binary not found: $bin" >&2; exit 2; }
episodes="${ILP_BENCH_EPISODES:-50}"
steps="${ILP_BENCH_STEPS:-200}"
eval_episodes="${ILP_BENCH_EVAL_EPISODES:-10}"
range="${ILP_BENCH_RANGE:-0.1}"
transform="${ILP_BENCH_TRANSFORM:-recentre}"
ppo_log_std="${ILP_BENCH_PPO_LOG_STD:--2.0}"
ppo_episodes="${ILP_BENCH_PPO_EPISODES:-250}"
agents="${ILP_BENCH_AGENTS:-ppo ddpg}"
windows="${ILP_BENCH_WINDOWS:-WETH/USDC:1 ETH/DAI:2 BTC/USDT:3 BTC/WETH:4 WETH/USDT:5 WETH/USDC:6}"
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

declare -A wins ties
start=$(date +%s)
echo "settings: agents $agents, $episodes (PPO $ppo_episodes) x $steps training steps per agent and window, action_transform $transform, PPO log_std_init $ppo_log_std, eval $eval_episodes x $steps on unseen seeds"
baselines="hodl full_range fixed tau_reset"
printf "| window | pool | PPO | DDPG | hodl | full_range | fixed ±%s | tau_reset ±%s | PPO fees / gas | DDPG fees / gas |\n" "$range" "$range"
printf "|---|---|---|---|---|---|---|---|---|---|\n"
n=0
for w in $windows; do
  pool="${w%%:*}"; seed="${w##*:}"; n=$((n + 1))
  declare -A agent=([ppo]=nan [ddpg]=nan) fees=([ppo]=nan [ddpg]=nan) gas=([ppo]=nan [ddpg]=nan)
  for algo in $agents; do
    name="w${n}_${algo}"
    if [[ $algo == ppo ]]; then
      extra="\"buffer_size\": 1000, \"n_epochs\": 10, \"alpha\": 0.0003, \"log_std_init\": $ppo_log_std"
    else
      extra='"alpha": 0.0003, "beta": 0.001, "batch_size": 128'
    fi
    n_ep=$episodes; [[ $algo == ppo ]] && n_ep=$ppo_episodes
    body="{\"max_steps\": $steps, \"n_episodes\": $n_ep, \"model_name\": \"$name\",
           \"pools\": [\"$pool\"], \"seed\": $seed, \"use_running_statistics\": true,
           \"action_transform\": \"$transform\", $extra}"
    job=$(post "$algo/train/" "$body" | jq -r .job_id)
    status=$(wait_job "$algo" "$job")
    [[ "$status" == done ]] || { echo "training $name: $status" >&2; exit 1; }
    eval_body="{\"model_name\": \"$name\", \"eval_steps\": $steps, \"eval_episodes\": $eval_episodes,
                \"percentage_range\": $range, \"seed\": $((100000 + seed * 1000)),
                \"baselines\": [\"hodl\", \"full_range\", \"fixed\", \"tau_reset\"]}"
    result=$(post "$algo/evaluate/" "$eval_body")
    agent[$algo]=$(jq .agent.mean_reward_usd <<<"$result")
    fees[$algo]=$(jq .agent.mean_fee_income_usd <<<"$result")
    gas[$algo]=$(jq .agent.mean_gas_usd <<<"$result")
    declare -A base_r
    for b in $baselines; do base_r[$b]=$(jq ".baselines.$b.mean_reward_usd" <<<"$result"); done
  done
  printf "| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f |\n" \
    "$n" "$pool" "${agent[ppo]}" "${agent[ddpg]}" "${base_r[hodl]}" \
    "${base_r[full_range]}" "${base_r[fixed]}" "${base_r[tau_reset]}" \
    "${fees[ppo]}" "${gas[ppo]}" "${fees[ddpg]}" "${gas[ddpg]}"
  for algo in $agents; do
    for b in $baselines; do
      if awk -v a="${agent[$algo]}" -v c="${base_r[$b]}" 'BEGIN{exit !(a > c)}'; then
        wins[$algo,$b]=$(( ${wins[$algo,$b]:-0} + 1 ))
      elif awk -v a="${agent[$algo]}" -v c="${base_r[$b]}" 'BEGIN{exit !(a == c)}'; then
        ties[$algo,$b]=$(( ${ties[$algo,$b]:-0} + 1 ))
      fi
    done
  done
done
echo
echo "Windows won (mean fee income - IL - gas per test episode above the baseline's), of $n:"
for algo in $agents; do
  line="$algo:"
  for b in $baselines; do
    line+=" vs $b ${wins[$algo,$b]:-0}"
    [[ -n "${ties[$algo,$b]:-}" ]] && line+=" (+${ties[$algo,$b]} tied)"
  done
  echo "$line"
done
echo "(ties: equal mean, e.g. an agent that stays out of the pool like HODL; $(( $(date +%s) - start )) s)"
