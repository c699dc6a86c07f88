#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt that are not yet
# installed (one per line; "package:command" also accepts the command). Idempotent and silent when everything is already there.
#   scripts/install-deps.sh            build + test packages
#   scripts/install-deps.sh --bench    also the benchmark baselines (wrk, FastAPI)
#   scripts/install-deps.sh --no-npm   not the chain tests' npm packages (the
#                                      container image's build stage, deploy/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wanted=$(grep -v '^#' "$here/debian-packages.txt" | grep -v '^$')
bench=0
npm=1
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    --no-npm) npm=0 ;;
    *) echo "install-deps.sh: unknown option $arg (--bench, --no-npm)" >&2; exit 2 ;;
  esac
done
if [[ $bench -eq 1 ]]; then
  # Baselines the benchmarks compare against (bench/*.sh).
  wanted="$wanted wrk python3-fastapi python3-uvicorn python3-torch python3-sklearn"
fi
# An entry "package:command" is also satisfied by that command on PATH, so a
# Node.js installed from elsewhere (which bundles npm) is not fought over.
missing=()
for entry in $wanted; do
  pkg=${entry%%:*}
  cmd=${entry#*:}
  [[ "$cmd" != "$entry" ]] && command -v "$cmd" >/dev/null 2>&1 && continue
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The chain tests' local EVM (ganache, Uniswap V3's compiled contracts, a
# plain ERC-20, ethers.js for the deployment script), pinned by
# tests/chain/package-lock.json. Install scripts are skipped: ganache falls
# back to its pure-JS parts.
chain_dir="$here/../tests/chain"
[[ $npm -eq 1 ]] || exit 0
if [[ ! -d "$chain_dir/node_modules/ganache" || \
      "$chain_dir/package-lock.json" -nt "$chain_dir/node_modules/.package-lock.json" ]]; then
  echo "Installing the chain tests' npm packages (tests/chain)"
  (cd "$chain_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
fi

# The dashboard's browser tests (tests/browser): playwright-core, pinned by
# its package-lock.json; it drives Debian's chromium and downloads nothing.
browser_dir="$here/../tests/browser"
if [[ ! -d "$browser_dir/node_modules/playwright-core" || \
      "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]]; then
  echo "Installing the browser tests' npm packages (tests/browser)"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
fi
