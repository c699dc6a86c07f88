// #/studio and its tabs: models (#/studio, #/studio/<model id>), training
// jobs, the marketplace (browse, filter, subscribe), compute credits and
// usage, webhooks with their deliveries.
import { blobUrl, get, post } from "../api";
import { barChart, kv, Page, poller, table } from "../common";
import { append, clear, errorBox, fmtNumber, fmtTime, h, statusBadge } from "../dom";

const TABS: [string, string][] = [["", "Models"], ["jobs", "Training jobs"],
  ["marketplace", "Marketplace"], ["credits", "Credits and usage"], ["webhooks", "Webhooks"]];

function tabs(current: string): HTMLElement {
  return h("nav", { class: "tabs", "aria-label": "AI Studio" }, ...TABS.map(([path, label]) =>
    h("a", { href: "#/studio" + (path ? "/" + path : ""), "aria-current": path === current ? "page" : undefined },
      label)));
}

export const studioPage: Page = (root, args) => {
  const sub = args[0] ?? "";
  const known = TABS.some(([p]) => p === sub);
  append(root, h("h1", {}, "AI Studio"), tabs(known ? sub : ""));
  const body = h("div", {});
  append(root, body);
  if (!known) return studioModel(body, sub);
  switch (sub) {
    case "jobs": return trainingJobs(body);
    case "marketplace": return marketplace(body);
    case "credits": return credits(body);
    case "webhooks": return webhooks(body);
    default: return models(body);
  }
};

function models(body: HTMLElement): void {
  get("/api/ai-studio/models/?page_size=100").then((list) => {
    if (!list.results.length) {
      append(body, h("p", { class: "empty" },
        "No models yet. Create one with POST /api/ai-studio/models/ and train it (docs/ai-studio.md)."));
      return;
    }
    append(body, table(["Name", "Type", "Algorithm", "Status", "Version", "Accuracy / RMSE", "Sharpe"],
      list.results.map((m: any) => [
        h("a", { href: "#/studio/" + m.id }, m.name), m.model_type, m.algorithm, statusBadge(m.status),
        m.version, fmtNumber(m.performance_metrics?.accuracy ?? m.performance_metrics?.rmse),
        fmtNumber(m.performance_metrics?.sharpe_ratio)]), [1, 2, 6]));
  }).catch((e) => append(body, errorBox(e)));
}

// The model's figures beside the naive baselines (API: `baselines` and the
// `comparison` verdict).
function baselineTable(m: any): HTMLElement | null {
  const b = m.baselines;
  if (!b) return null;
  const perf = m.performance_metrics ?? {}, bt = m.backtest_results ?? {};
  const rows: any[][] = [];
  if (b.majority_class) {
    rows.push(["accuracy", fmtNumber(perf.accuracy),
      `${fmtNumber(b.majority_class.accuracy)} (always ${b.majority_class.class})`]);
  }
  if (b.zero_forecast) rows.push(["rmse", fmtNumber(perf.rmse), `${fmtNumber(b.zero_forecast.rmse)} (zero return)`]);
  for (const [name, key] of [["buy and hold", "buy_and_hold"], ["20-day momentum", "momentum"]]) {
    const s = b[key];
    if (!s) continue;
    rows.push([`total return vs ${name}`, fmtNumber(bt.total_return), fmtNumber(s.total_return)]);
    rows.push([`Sharpe vs ${name}`, fmtNumber(bt.sharpe_ratio), fmtNumber(s.sharpe_ratio)]);
    rows.push([`max drawdown vs ${name}`, fmtNumber(bt.max_drawdown), fmtNumber(s.max_drawdown)]);
  }
  return h("div", { id: "baselines" },
    m.comparison?.verdict ? h("p", { class: m.comparison.beats_all_baselines ? "" : "error" }, m.comparison.verdict) : null,
    table(["Figure (test period)", "Model", "Naive baseline"], rows));
}

function confusionTable(cm: any, perClass: any): HTMLElement | null {
  if (!cm?.matrix?.length) return null;
  const labels: string[] = cm.labels;
  const rows = cm.matrix.map((row: number[], i: number) => [h("strong", {}, labels[i]),
    ...row.map((n, j) => h("span", { class: i === j ? "diag" : "" }, n)),
    fmtNumber(perClass?.[labels[i]]?.precision), fmtNumber(perClass?.[labels[i]]?.recall),
    fmtNumber(perClass?.[labels[i]]?.support)]);
  return h("div", { id: "confusion" },
    table(["actual \\ predicted", ...labels, "precision", "recall", "support"], rows));
}

function studioModel(body: HTMLElement, id: string) {
  // From the page URL (decoded): encoded again so it stays one path segment.
  const enc = encodeURIComponent(id);
  const urls: string[] = [];
  get(`/api/ai-studio/models/${enc}/`).then(async (m) => {
    append(body, h("h2", {}, m.name), kv({ status: m.status, model_type: m.model_type,
      algorithm: m.algorithm, version: m.version, data_source: m.data_source }));
    const run = m.training_summary?.job_id;
    if (run) append(body, h("p", {}, h("a", { href: "#/runs/" + run }, "Training curves of this version")));
    if (m.version === 0) {
      append(body, h("p", { class: "empty" },
        "Not trained yet: POST /api/ai-studio/models/" + id + "/train/ starts a training job."));
      return;
    }
    append(body, h("h2", {}, "Metrics (test period)"), kv(m.performance_metrics));
    const base = baselineTable(m);
    if (base) append(body, h("h2", {}, "Against the naive baselines"), base);
    const cm = confusionTable(m.confusion_matrix, m.per_class_metrics);
    if (cm) append(body, h("h2", {}, "Confusion matrix (test period)"), cm);
    if (m.backtest_results) append(body, h("h2", {}, "Backtest"), kv(m.backtest_results));
    const fi = await get(`/api/ai-studio/models/${enc}/feature-importance/`).catch(() => null);
    const charts = h("div", { class: "charts" });
    const ranked = Object.entries(fi?.feature_importance ?? {}) as [string, any][];
    if (ranked.length) {
      const top = ranked.sort((a, b) => a[1].rank - b[1].rank).slice(0, 12);
      append(charts, barChart("Feature importance: gain and mean |SHAP| share", top.map(([name]) => name),
        [{ label: "gain", values: top.map(([, f]) => f.importance) },
         { label: "|SHAP|", values: top.map(([, f]) => f.shap_importance ?? null) }]));
    }
    append(body, charts, h("h2", {}, "Plots"));
    for (const [plot, alt] of [["equity-curve", "equity curve against buy-and-hold"],
      ["shap-summary", "SHAP beeswarm"], ["feature-importance", "feature importance"]]) {
      try {
        const url = await blobUrl(`/api/ai-studio/models/${enc}/plots/${plot}.png`);
        urls.push(url);
        append(body, h("figure", {}, h("img", { class: "plot", src: url, alt: alt + " plot" }),
          h("figcaption", { class: "muted" }, alt)));
      } catch {
        append(body, h("p", { class: "muted" }, `${plot}.png is not available for this version.`));
      }
    }
  }).catch((e) => append(body, errorBox(e)));
  return () => urls.forEach((u) => URL.revokeObjectURL(u));
}

function trainingJobs(body: HTMLElement) {
  return poller(async () => {
    let list: any;
    try { list = await get("/api/ai-studio/training-jobs/?page_size=50"); } catch (e) {
      clear(body); append(body, errorBox(e)); return;
    }
    clear(body);
    if (!list.results.length) {
      append(body, h("p", { class: "empty" }, "No training jobs yet. Train a model from its page or with " +
        "POST /api/ai-studio/models/{id}/train/."));
      return false;
    }
    append(body, table(["Job", "Model", "Status", "Progress", "Cost (USD)", "Created", ""],
      list.results.map((j: any) => [
        h("a", { href: "#/runs/" + j.job_id }, j.job_name ?? j.job_id),
        h("a", { href: "#/studio/" + j.model_id }, String(j.model_id).slice(0, 8)),
        statusBadge(j.status), Math.round(j.progress ?? 0) + "%", j.cost ?? j.estimated_cost,
        fmtTime(j.created_at),
        ["PENDING", "RUNNING"].includes(j.status) ? h("button", { onclick: async () => {
          try { await post(`/api/ai-studio/training-jobs/${j.job_id}/cancel/`); } catch (err) { alert((err as Error).message); }
        } }, "Cancel") : ""]), [1, 5]));
  }, 3000);
}

function marketplace(body: HTMLElement): void {
  const results = h("div", { id: "listings" });
  const form = h("form", { class: "row", onsubmit: (e: Event) => { e.preventDefault(); load(); } },
    h("input", { name: "search", placeholder: "search title or description", "aria-label": "search" }),
    h("select", { name: "category", "aria-label": "category" }, h("option", { value: "" }, "any category"),
      ...["MOMENTUM", "MEAN_REVERSION", "TREND_FOLLOWING", "BREAKOUT", "ARBITRAGE", "VOLATILITY",
        "MULTI_FACTOR", "OTHER"].map((c) => h("option", { value: c }, c.toLowerCase().replace("_", " ")))),
    h("input", { name: "max_price", type: "number", min: "0", step: "0.01", placeholder: "max monthly price",
      "aria-label": "maximum monthly price" }),
    h("input", { name: "min_sharpe_ratio", type: "number", step: "0.1", placeholder: "min Sharpe",
      "aria-label": "minimum Sharpe ratio" }),
    h("button", { type: "submit" }, "Filter"));
  const subs = h("div", {});
  const load = async () => {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form as HTMLFormElement).entries()) if (String(v)) q.set(k, String(v));
    q.set("page_size", "50");
    clear(results);
    try {
      const list = await get("/api/ai-studio/marketplace/?" + q.toString());
      if (!list.results.length) {
        append(results, h("p", { class: "empty" }, "No listings match. Sellers publish COMPLETED models " +
          "with POST /api/ai-studio/models/{id}/publish/; an admin approves them on the Admin page."));
        return;
      }
      append(results, table(["Title", "Category", "Seller", "Monthly (USD)", "Sharpe", "Subscribers", ""],
        list.results.map((l: any) => [h("span", { title: l.description }, l.title, l.is_featured ? " ★" : ""),
          l.category, l.seller?.username, l.monthly_price, fmtNumber(l.performance_metrics?.sharpe_ratio),
          l.total_subscribers,
          h("button", { onclick: async (e: Event) => {
            const b = e.target as HTMLButtonElement;
            try {
              const r = await post(`/api/ai-studio/marketplace/${l.id}/subscribe/`,
                { subscription_type: "MONTHLY", auto_renew: false });
              b.replaceWith(h("span", { class: "status status-completed" }, "subscribed until " + r.end_date));
              loadSubs();
            } catch (err) { b.replaceWith(errorBox(err)); }
          } }, "Subscribe")]), [1, 5]));
    } catch (e) { append(results, errorBox(e)); }
  };
  const loadSubs = async () => {
    clear(subs);
    try {
      const list = await get("/api/ai-studio/subscriptions/?page_size=50");
      if (!list.results.length) { append(subs, h("p", { class: "empty" }, "No subscriptions yet.")); return; }
      append(subs, table(["Listing", "Status", "Until", "Auto-renew"], list.results.map((s: any) => [
        s.listing_title ?? s.listing_id ?? s.id, statusBadge(String(s.status)), s.end_date ?? "–",
        String(s.auto_renew)])));
    } catch (e) { append(subs, errorBox(e)); }
  };
  append(body, form, results, h("h2", {}, "Your subscriptions"), subs);
  load();
  loadSubs();
}

function credits(body: HTMLElement): void {
  const ledgerBox = h("div", { id: "ledger" });
  get("/api/ai-studio/compute/usage/").then((u) => {
    const p = u.current_period ?? {};
    append(body, kv({ period: p.period, hours_used: p.hours_used, included_hours: p.hours_limit,
      percentage_used: p.percentage_used, cost_usd: p.cost, credits_balance_usd: u.credits_balance,
      price_per_hour_usd: u.price_per_hour }));
    if (u.daily_usage?.length) {
      append(body, h("div", { class: "charts" }, barChart("Compute hours per day",
        u.daily_usage.map((d: any) => d.date), [{ label: "hours", values: u.daily_usage.map((d: any) => d.hours) }])));
    }
    append(body, h("h2", {}, "Usage by job (the ledger's training holds and refunds)"));
    if (!u.usage_by_job?.length) {
      append(body, h("p", { class: "empty" }, "No compute used this period."));
    } else {
      append(body, table(["Job", "Hours", "Cost (USD)", "Outcome"], u.usage_by_job.map((j: any) => [
        h("a", { href: "#/runs/" + j.job_id }, j.job_name ?? j.job_id), fmtNumber(j.hours), j.cost, j.outcome])));
    }
    append(body, h("h2", {}, "Ledger"), ledgerBox);
    ledger(ledgerBox, "", 1);
  }).catch((e) => append(body, errorBox(e)));
}

const LEDGER_KINDS = ["training_hold", "training_refund", "credit_purchase", "subscription_payment",
  "subscription_income"];

// Every movement of the caller's credits, newest first, a page at a time
// (GET compute/ledger/, the caller's own rows only), filtered by kind.
function ledger(box: HTMLElement, kind: string, page: number): void {
  const q = new URLSearchParams({ page: String(page), page_size: "20" });
  if (kind) q.set("kind", kind);
  get("/api/ai-studio/compute/ledger/?" + q.toString()).then((l) => {
    clear(box);
    const filter = h("select", { "aria-label": "kind", onchange: (e: Event) =>
      ledger(box, (e.target as HTMLSelectElement).value, 1) },
      ...["", ...LEDGER_KINDS].map((k) => h("option", { value: k, selected: k === kind }, k || "every kind")));
    append(box, h("div", { class: "row" }, filter));
    if (!l.results.length) {
      append(box, h("p", { class: "empty" }, kind ? "No movements of this kind." :
        "No credit movements yet: training holds, refunds, purchases and subscriptions appear here."));
      return;
    }
    append(box, table(["When", "Kind", "Amount (USD)", "Balance after", "Reference"], l.results.map((e: any) => [
      fmtTime(e.created_at), e.kind, e.amount_usd, e.balance_after_usd, h("code", {}, e.reference)]), [4]));
    const nav = h("div", { class: "row" });
    if (l.previous) append(nav, h("button", { onclick: () => ledger(box, kind, page - 1) }, "← newer"));
    if (l.next) append(nav, h("button", { onclick: () => ledger(box, kind, page + 1) }, "older →"));
    append(box, h("p", { class: "muted" }, `${l.count} movements; balance ${l.credits_balance_usd} USD.`), nav);
  }).catch((e) => { clear(box); append(box, errorBox(e)); });
}

function webhooks(body: HTMLElement): void {
  get("/api/ai-studio/webhooks/").then((list) => {
    const hooks = list.results ?? list;
    if (!hooks.length) {
      append(body, h("p", { class: "empty" }, "No webhooks. Register one with POST /api/ai-studio/webhooks/ " +
        "(docs/ai-studio.md#webhooks)."));
      return;
    }
    for (const w of hooks) {
      const box = h("div", {});
      append(body, h("h3", {}, w.url), h("p", { class: "muted" }, (w.events ?? []).join(", ")), box);
      get(`/api/ai-studio/webhooks/${w.id}/deliveries/`).then((d) => {
        if (!d.results.length) { append(box, h("p", { class: "empty" }, "No deliveries yet.")); return; }
        append(box, table(["Event", "Status", "Attempts", "Last answer", "Created"], d.results.map((x: any) => {
          const last = x.log?.[x.log.length - 1];
          return [x.event, statusBadge(String(x.status)), x.attempts,
            last ? (last.status_code ?? last.error ?? "–") : "–", fmtTime(x.created_at)];
        }), [4]));
      }).catch((e) => append(box, errorBox(e)));
    }
  }).catch((e) => append(body, errorBox(e)));
}
