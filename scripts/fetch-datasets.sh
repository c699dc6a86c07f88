#!/usr/bin/env bash
# Fetches the real-price dataset used by the AI Studio tests, benchmark and demo:
# data/sp500-2000.csv (S&P 500 daily OHLCV 2000-01-03 .. 2020-04-17, Yahoo
# Finance via the npm package vega-datasets, BSD-3-Clause) into a cache dir.
#
# Usage: scripts/fetch-datasets.sh [DIR]
#   DIR defaults to $TRAINYARD_HOME/datasets, or ./trainyard-data/datasets.
# Idempotent: when DIR/sp500-2000.csv exists with the expected SHA-1 nothing
# is downloaded. Exit status 0 on success, 1 on any failure (message on stderr).
set -euo pipefail

readonly PACKAGE="vega-datasets@3.2.1"
readonly FILE="sp500-2000.csv"
# SHA-1 of the file as shipped in vega-datasets 3.2.1 (its datapackage.json
# lists a different hash, computed before packaging; we pin what npm serves).
readonly SHA1="586271572bb4aa4c5ea2a185a656008c3a5f65c3"

if [[ $# -ge 1 && -n "$1" ]]; then
  dir="$1"
elif [[ -n "${TRAINYARD_HOME:-}" ]]; then
  dir="$TRAINYARD_HOME/datasets"
else
  dir="./trainyard-data/datasets"
fi

die() { echo "fetch-datasets: $*" >&2; exit 1; }

sha1_of() { sha1sum "$1" | cut -d' ' -f1; }

mkdir -p "$dir" || die "cannot create $dir"
target="$dir/$FILE"
if [[ -f "$target" && "$(sha1_of "$target")" == "$SHA1" ]]; then
  echo "$target"
  exit 0
fi

command -v npm >/dev/null || die "npm not found; install npm or copy $FILE into $dir"
work="$(mktemp -d "$dir/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null 2>npm.log) ||
  die "npm pack $PACKAGE failed: $(tail -n 3 "$work/npm.log" 2>/dev/null)"
tarball="$(ls "$work"/vega-datasets-*.tgz 2>/dev/null | head -n 1)"
[[ -n "$tarball" ]] || die "npm pack produced no tarball"
tar -xzf "$tarball" -C "$work" "package/data/$FILE" ||
  die "package/data/$FILE missing from $tarball"
got="$(sha1_of "$work/package/data/$FILE")"
[[ "$got" == "$SHA1" ]] || die "SHA-1 mismatch for $FILE: got $got, want $SHA1"
# Same-directory rename: readers see either no file or the whole file.
mv -f "$work/package/data/$FILE" "$target"
cat > "$dir/$FILE.LICENSE" <<'LIC'
sp500-2000.csv: S&P 500 index daily OHLCV, 2000-01-03 to 2020-04-17.
Source: Yahoo Finance, redistributed in the npm package vega-datasets 3.2.1
(https://github.com/vega/vega-datasets), which is licensed BSD-3-Clause.
The vega-datasets README notes each dataset keeps its original licence terms.
LIC
echo "$target"
