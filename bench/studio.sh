#!/usr/bin/env bash
# AI Studio end to end over HTTP, against scikit-learn in the same run:
#  1. trains a random forest through the API (POST models/, train/) on 5
#     symbols x 10 years of daily bars (2010-2019): the real S&P 500 file
#     from vega-datasets (imported as SP500) plus the synthetic demo symbols
#     NIFTY50, BANKNIFTY, RELIANCE, TCS (vega-datasets has one daily OHLCV
#     series; the model says "data_source": "synthetic" because of them);
#  2. exports exactly the rows of that job (same series, features, target and
#     time-ordered 80/20 split with the 5-day embargo) with
#     `ml_bench --studio-export`, checks the row counts match the job's, and
#     trains scikit-learn's RandomForestClassifier on them with the same
#     forest: 100 trees, max_depth 8, 80 % of the features per split, 80 %
#     of the rows per tree, one thread each (the server's worker trains on one
#     thread; sklearn n_jobs=1);
#  3. prints both fit times (median of 3), both test accuracies and the ratio;
#  4. measures single predict/ latency (p50/p99) and batch-predict/ rows/s
#     (wall, and per server CPU-second from /proc, which a loaded machine
#     does not stretch).
#
# Usage: bench/studio.sh [BUILD_DIR] [PORT]   (default build/release, 18799)
# Needs trainyard and bench/ml_bench built in BUILD_DIR, npm (data) and the
# Debian python3-sklearn (scripts/install-deps.sh --bench); PYTHON overrides
# the interpreter that has scikit-learn (default /usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
port="${2:-18799}"
bin="$build/src/cli/trainyard"
exporter="$build/bench/ml_bench"
py="${PYTHON:-/usr/bin/python3}"
[[ -x "$bin" ]] || { echo "studio.sh: $bin not built" >&2; exit 1; }
[[ -x "$exporter" ]] || { echo "studio.sh: $exporter not built" >&2; exit 1; }
"$py" -c 'import sklearn' 2>/dev/null || {
  echo "studio.sh: $py has no scikit-learn (scripts/install-deps.sh --bench)" >&2
  exit 1
}
work="$(mktemp -d)"
server=""
trap '[[ -n "$server" ]] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT

"$root/scripts/fetch-datasets.sh" "$work/data" >/dev/null
"$bin" import ohlcv --home "$work/home" --symbol SP500 --csv "$work/data/sp500-2000.csv" >/dev/null
TRAINYARD_STUDIO_HOURS_ELITE=1000 "$bin" serve --home "$work/home" --port "$port" \
  --auth=off --workers 1 --log-level warn >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/ai-studio/market-data/" >/dev/null && break
  sleep 0.1
done

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
SERVER_PID="$server" PORT="$port" WORK="$work" EXPORTER="$exporter" "$py" - <<'PY'
import http.client, json, os, subprocess, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier

port, work = int(os.environ["PORT"]), os.environ["WORK"]
conn = http.client.HTTPConnection("127.0.0.1", port)

def server_cpu():
    """CPU seconds the server process has used (user + system): unlike wall
    time, not stretched when other work shares the cores."""
    with open(f"/proc/{os.environ['SERVER_PID']}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def call(method, path, body=None):
    """Seconds until the whole answer has arrived (client JSON parsing is not
    counted), and the parsed answer."""
    start = time.perf_counter()
    conn.request(method, "/api/ai-studio/" + path,
                 None if body is None else json.dumps(body),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    took = time.perf_counter() - start
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]}")
    return took, json.loads(data) if data else None

symbols = ["SP500", "NIFTY50", "BANKNIFTY", "RELIANCE", "TCS"]
start, end = "2010-01-01", "2019-12-31"
features = ["rsi_14", "macd_signal", "bollinger_position", "volume_ma_ratio",
            "price_ma_50_ratio", "return_1d", "return_5d", "return_20d",
            "volatility_20", "atr_14"]
# The forest, by the API's (scikit-learn's) names. subsample and max_features
# are AI Studio's RANDOM_FOREST defaults, written out for the comparison.
forest = {"n_estimators": 100, "max_depth": 8, "max_features": 0.8,
          "subsample": 0.8, "random_state": 42}
_, model = call("POST", "models/", {
    "name": "bench", "model_type": "CLASSIFICATION", "algorithm": "RANDOM_FOREST",
    "features": features, "hyperparameters": forest,
    "training_config": {"symbols": symbols, "start_date": start,
                        "end_date": end, "cross_validation_folds": 0}})
mid = model["id"]

def train():
    t0 = time.perf_counter()
    _, job = call("POST", f"models/{mid}/train/", {})
    while True:
        _, j = call("GET", f"training-jobs/{job['job_id']}/")
        if j["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.02)
    assert j["status"] == "COMPLETED", j
    _, m = call("GET", f"models/{mid}/")
    return time.perf_counter() - t0, j, m

runs = [train() for _ in range(3)]
runs.sort(key=lambda r: r[2]["training_summary"]["timings"]["fit_cpu_seconds"])
wall, job, m = runs[1]  # the median fit
s, t = m["training_summary"], m["training_summary"]["timings"]
ours_fit, ours_cpu = t["fit_seconds"], t["fit_cpu_seconds"]
ours_acc = m["performance_metrics"]["accuracy"]
accs = {r[2]["performance_metrics"]["accuracy"] for r in runs}
print(f"data: {', '.join(symbols)} {start}..{end} (SP500 real, others synthetic), "
      f"{len(features)} features; train {s['train_rows']} rows "
      f"({s['train_start']}..{s['train_end']}), test {s['test_rows']} rows "
      f"({s['test_start']}..{s['test_end']})")
print(f"trainyard (server job, RF 100 trees depth 8, 1 thread): fit "
      f"{ours_fit:.3f} s wall, {ours_cpu:.3f} s CPU (median of 3 jobs), "
      f"test accuracy {ours_acc:.4f}" + ("" if len(accs) == 1 else f" (runs differ: {sorted(accs)})"))
print(f"  whole job {job['compute_seconds']:.2f} s: load data {t['load_data_seconds']:.3f}, "
      f"features+fit+metrics+backtest {t['pipeline_seconds']:.3f}, "
      f"save+plots+SHAP summary {t['save_and_plots_seconds']:.3f}; "
      f"request to COMPLETED {wall:.2f} s")

out = subprocess.run(
    [os.environ["EXPORTER"], "--studio-export", work, "--symbols", ",".join(symbols),
     "--start", start, "--end", end,
     "--imported", f"SP500={work}/home/datasets/SP500.csv"],
    check=True, capture_output=True, text=True).stdout.strip()
def load(name):
    a = np.loadtxt(f"{work}/{name}", delimiter=",", skiprows=1)
    return a[:, :-1], a[:, -1].astype(int)
xtr, ytr = load("train.csv")
xte, yte = load("test.csv")
if (len(ytr), len(yte)) != (s["train_rows"], s["test_rows"]):
    raise SystemExit(f"exported rows {len(ytr)}/{len(yte)} differ from the job's "
                     f"{s['train_rows']}/{s['test_rows']}: not the same split")
fits, cpus, sk_accs = [], [], []
for seed in (42, 1, 2):
    rf = RandomForestClassifier(n_estimators=100, max_depth=8, max_features=0.8,
                                max_samples=0.8, bootstrap=True, n_jobs=1,
                                random_state=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    rf.fit(xtr, ytr)
    fits.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
    sk_accs.append((rf.predict(xte) == yte).mean())
sk_fit, sk_cpu = sorted(fits)[1], sorted(cpus)[1]
sk_acc = float(np.mean(sk_accs))
print(f"scikit-learn RandomForestClassifier (same rows; n_jobs=1): fit "
      f"{sk_fit:.3f} s wall, {sk_cpu:.3f} s CPU (median of 3), test accuracy "
      f"{sk_acc:.4f} (mean of random_state 42, 1, 2: "
      f"{', '.join(f'{a:.4f}' for a in sk_accs)})")
print(f"ratio: trainyard fits x{sk_fit / ours_fit:.2f} faster by wall time, "
      f"x{sk_cpu / ours_cpu:.2f} by CPU time (goal >= 5); test accuracy "
      f"{ours_acc:.4f} vs {sk_acc:.4f} "
      f"({'equal or better' if ours_acc >= sk_acc - 1e-9 else 'LOWER'}); "
      f"majority class alone: {max(np.bincount(yte)) / len(yte):.4f}")

# The server closed the idle keep-alive connection while scikit-learn ran.
conn.close()
conn = http.client.HTTPConnection("127.0.0.1", port)
row = {"rsi_14": 55.0, "macd_signal": 0.001, "bollinger_position": 0.6,
       "volume_ma_ratio": 1.1, "price_ma_50_ratio": 1.02, "return_1d": 0.002,
       "return_5d": 0.01, "return_20d": 0.03, "volatility_20": 0.01,
       "atr_14": 0.012}
def latency(body, n):
    for _ in range(20):
        call("POST", f"models/{mid}/predict/", body)  # warm-up
    ts = sorted(call("POST", f"models/{mid}/predict/", body)[0] * 1000
                for _ in range(n))
    return ts[n // 2], ts[int(n * 0.99) - 1]
for name, extra, n in [("no SHAP", {"include_shap": False}, 1000),
                       ("approximate SHAP (Saabas)", {"shap_method": "approximate"}, 500),
                       ("exact TreeSHAP (default)", {}, 300)]:
    body = {"symbols": ["SP500"], "features": {"SP500": row}, **extra}
    p50, p99 = latency(body, n)
    print(f"predict/ one symbol, {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"({n} requests; goal p99 <= 3 ms)")
# Without SHAP: all 5 symbols x 10 years; with exact SHAP (milliseconds a
# row): one symbol, one year.
for shap, syms, first, reps in ((False, symbols, start, 5),
                                (True, ["SP500"], "2019-01-01", 1)):
    body = {"symbols": syms, "start_date": first, "end_date": end,
            "include_confidence": True, "include_shap": shap}
    times = []
    cpu0 = server_cpu()
    for _ in range(reps):
        dt, out = call("POST", f"models/{mid}/batch-predict/", body)
        times.append(dt)
    cpu = (server_cpu() - cpu0) / reps
    dt = sorted(times)[len(times) // 2]
    print(f"batch-predict/ {'with exact SHAP' if shap else 'confidence, no SHAP'}: "
          f"{out['count']} rows in {dt * 1000:.0f} ms = {out['count'] / dt:,.0f} rows/s"
          f"; server CPU {cpu * 1000:.0f} ms a request = "
          f"{out['count'] / max(cpu, 1e-9):,.0f} rows per CPU-second"
          + ("" if shap else " (median of 5; goal >= 100,000 rows/s)"))
PY
