#!/usr/bin/env bash
# AI Studio end to end over HTTP: training a random forest on 5 symbols x 10
# years of daily bars (the real S&P 500 2010-2020 plus four synthetic demo
# symbols), then single predict/ latency (p50/p99, with and without SHAP) and
# batch-predict/ throughput.
#
# Usage: bench/studio.sh [BUILD_DIR] [PORT]     (default build/release, 18799)
# The scikit-learn comparison of the same engine on the same features is
# bench/ml_bench.sh (this script measures the product path around it).
set -euo pipefail
build="${1:-build/release}"
port="${2:-18799}"
bin="$build/src/cli/trainyard"
[[ -x "$bin" ]] || { echo "studio.sh: $bin not built" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

scripts/fetch-datasets.sh "$work/data" >/dev/null
"$bin" import ohlcv --home "$work/home" --symbol SP500 --csv "$work/data/sp500-2000.csv" >/dev/null
TRAINYARD_STUDIO_HOURS_ELITE=1000 "$bin" serve --home "$work/home" --port "$port" \
  --auth=off --workers 1 --log-level warn >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
  sleep 0.1
done

PORT="$port" python3 - <<'PY'
import http.client, json, os, time

port = int(os.environ["PORT"])
conn = http.client.HTTPConnection("127.0.0.1", port)

def call(method, path, body=None):
    start = time.perf_counter()
    conn.request(method, "/api/ai-studio/" + path,
                 None if body is None else json.dumps(body),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]}")
    return time.perf_counter() - start, json.loads(data) if data else None

symbols = ["SP500", "NIFTY50", "BANKNIFTY", "RELIANCE", "TCS"]
features = ["rsi_14", "macd_signal", "bollinger_position", "volume_ma_ratio",
            "price_ma_50_ratio", "return_1d", "return_5d", "return_20d",
            "volatility_20", "atr_14"]
_, model = call("POST", "models/", {
    "name": "bench", "model_type": "CLASSIFICATION", "algorithm": "RANDOM_FOREST",
    "features": features,
    "hyperparameters": {"n_estimators": 100, "max_depth": 8, "random_state": 1},
    "training_config": {"symbols": symbols, "start_date": "2010-01-01",
                        "end_date": "2019-12-31", "cross_validation_folds": 0}})
mid = model["id"]
t0 = time.perf_counter()
_, job = call("POST", f"models/{mid}/train/", {})
while True:
    _, j = call("GET", f"training-jobs/{job['job_id']}/")
    if j["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
        break
    time.sleep(0.05)
wall = time.perf_counter() - t0
assert j["status"] == "COMPLETED", j
_, m = call("GET", f"models/{mid}/")
s = m["training_summary"]
print(f"training: {s['train_rows'] + s['test_rows']} rows x {len(features)} features, "
      f"RF 100 trees depth 8: job {j['compute_seconds']:.2f} s "
      f"(request to completed {wall:.2f} s), test accuracy "
      f"{m['performance_metrics']['accuracy']}, data_source {m['data_source']}")

row = {"rsi_14": 55.0, "macd_signal": 0.001, "bollinger_position": 0.6,
       "volume_ma_ratio": 1.1, "price_ma_50_ratio": 1.02, "return_1d": 0.002,
       "return_5d": 0.01, "return_20d": 0.03, "volatility_20": 0.01,
       "atr_14": 0.012}
def latency(body, n=300):
    ts = sorted(call("POST", f"models/{mid}/predict/", body)[0] * 1000
                for _ in range(n))
    return ts[n // 2], ts[int(n * 0.99) - 1]
for name, extra in [("no SHAP", {"include_shap": False}),
                    ("approximate SHAP", {"shap_method": "approximate"}),
                    ("exact TreeSHAP", {})]:
    body = {"symbols": ["SP500"], "features": {"SP500": row}, **extra}
    p50, p99 = latency(body, 100 if not extra else 300)
    print(f"predict/ one symbol, {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
dt, out = call("POST", f"models/{mid}/batch-predict/",
               {"symbols": symbols, "start_date": "2010-01-01",
                "end_date": "2019-12-31", "include_confidence": True})
print(f"batch-predict/: {out['count']} rows in {dt * 1000:.0f} ms = "
      f"{out['count'] / dt:,.0f} rows/s")
PY
