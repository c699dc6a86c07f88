#!/usr/bin/env bash
# AI Studio engine benchmark with a scikit-learn baseline measured in the same
# run: fetches the S&P 500 file, runs ml_bench (XGBoost through trainyard_ml),
# exports the same time-ordered train/test split, trains scikit-learn's
# RandomForestClassifier with matching hyperparameters (1 thread each), and
# prints both train times, both test accuracies and the ratio.
#
# Usage: bench/ml_bench.sh [BUILD_DIR]   (default build/ml; needs ml_bench
#        built there, npm for the data, Debian python3-sklearn for the
#        baseline; PYTHON overrides the interpreter, default /usr/bin/python3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/ml}"
bench="$build/bench/ml_bench"
[[ -x "$bench" ]] || { echo "ml_bench not built in $build" >&2; exit 1; }
csv="$("$root/scripts/fetch-datasets.sh" "$build/datasets")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bench" "$csv" --export "$work" --plots "$work" | tee "$work/ours.txt"
ours_line="$(grep '^split RF' "$work/ours.txt")"
ours_cpu="$(sed -E 's/.*\(([0-9.]+) s CPU\).*/\1/' <<<"$ours_line")"
ours_wall="$(sed -E 's/.*train ([0-9.]+) s wall.*/\1/' <<<"$ours_line")"
ours_acc="$(sed -E 's/.*test accuracy ([0-9.]+).*/\1/' <<<"$ours_line")"

"${PYTHON:-/usr/bin/python3}" - "$work" "$ours_wall" "$ours_cpu" "$ours_acc" <<'PY'
import sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
work, ours_wall, ours_cpu, ours_acc = sys.argv[1], *map(float, sys.argv[2:])
def load(name):
    a = np.loadtxt(f"{work}/{name}", delimiter=",", skiprows=1)
    return a[:, :-1], a[:, -1].astype(int)
xtr, ytr = load("train.csv")
xte, yte = load("test.csv")
walls, cpus, accs = [], [], []
for _ in range(3):
    # Same forest as trainyard's RANDOM_FOREST defaults in ml_bench:
    # 100 trees, depth 8, 80 % of rows per tree, 80 % of features per split.
    rf = RandomForestClassifier(n_estimators=100, max_depth=8, max_features=0.8,
                                max_samples=0.8, bootstrap=True, n_jobs=1,
                                random_state=42)
    t0, c0 = time.perf_counter(), time.process_time()
    rf.fit(xtr, ytr)
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
    accs.append((rf.predict(xte) == yte).mean())
wall, cpu = sorted(walls)[1], sorted(cpus)[1]
print(f"scikit-learn RandomForestClassifier (same split, 1 thread): "
      f"train {wall:.3f} s wall ({cpu:.3f} s CPU), test accuracy {accs[0]:.4f}")
print(f"ratio sklearn/trainyard train time: x{wall / ours_wall:.2f} wall, "
      f"x{cpu / ours_cpu:.2f} CPU; test accuracy trainyard {ours_acc:.4f} vs "
      f"sklearn {accs[0]:.4f}")
PY
