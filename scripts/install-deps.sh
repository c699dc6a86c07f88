#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt that are not yet
# installed (one per line; "package:command" also accepts the command). Idempotent and silent when everything is already there.
#   scripts/install-deps.sh            build + test packages
#   scripts/install-deps.sh --bench    also the benchmark baselines (wrk, FastAPI)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wanted=$(grep -v '^#' "$here/debian-packages.txt" | grep -v '^$')
if [[ "${1:-}" == "--bench" ]]; then
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
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "Installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
