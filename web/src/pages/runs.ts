// #/runs/<id>[,<id>...]: one run's learning curves (or up to six
// overlaid), live while it trains, with its settings, result and log tail.
// Loaded with the charts (uPlot) when first opened.
import { get } from "../api";
import { appendPage, Curve, MetricChart, metricNames } from "../charts";
import { eta, kv, Page, poller, TERMINAL } from "../common";
import { append, clear, errorBox, fmtTime, h, statusBadge } from "../dom";

// A run page polls every 5 s (three small requests, none once the runs
// ended): the curves of a run that trains for minutes stay live, and an open
// page costs the server well under 1 % of a core (docs/dashboard.md).
const RUN_POLL_MS = 5000;

export const runPage: Page = (root, args) => {
  const ids = (args[0] ?? "").split(",").filter(Boolean).slice(0, 6);
  const curves: Curve[] = ids.map((id) => ({ jobId: id, steps: [], series: {} }));
  const cursors = ids.map(() => -1);
  const done = ids.map(() => false);
  const charts = new Map<string, MetricChart>();
  const head = h("div", {});
  const chartBox = h("div", { class: "charts", id: "charts" });
  const info = h("div", {});
  const logBox = h("pre", { class: "log", id: "log", "aria-label": "log tail" });
  let logCursor = 0;
  const compareInput = h("input", { placeholder: "another job id", "aria-label": "job id to compare" }) as HTMLInputElement;
  append(root,
    h("h1", {}, ids.length > 1 ? "Compare runs" : "Run " + (ids[0] ?? "")),
    head,
    h("h2", {}, "Learning curves"),
    h("form", { class: "row", onsubmit: (e: Event) => {
      e.preventDefault();
      const extra = compareInput.value.trim();
      if (extra) location.hash = "#/runs/" + [...ids, extra].join(",");
    } }, compareInput, h("button", { type: "submit" }, "Overlay run")),
    chartBox, info, h("h2", {}, "Log"), logBox);

  const drawCharts = () => {
    const names = metricNames(curves);
    if (names.length === 0 && chartBox.childElementCount === 0) {
      append(chartBox, h("p", { class: "empty", id: "no-curves" },
        "No curve points yet: they appear as soon as the job reports its first update."));
      return;
    }
    if (names.length > 0) document.getElementById("no-curves")?.remove();
    for (const name of names) {
      let c = charts.get(name);
      if (!c) {
        c = new MetricChart(name);
        charts.set(name, c);
        chartBox.appendChild(c.el);
      }
      c.update(curves);
    }
  };

  const stop = poller(async () => {
    // Job rows (status, progress, hyperparameters).
    const jobs = await Promise.all(ids.map((id) => get(`/api/jobs/${encodeURIComponent(id)}`).catch((e) => e)));
    clear(head);
    const table = h("table", {}, h("thead", {}, h("tr", {},
      ...["Job", "Type", "Status", "Progress", "ETA", "Attempts"].map((t) => h("th", {}, t)))));
    const tbody = h("tbody", {});
    jobs.forEach((j, i) => {
      if (j instanceof Error) {
        append(tbody, h("tr", {}, h("td", {}, ids[i]), h("td", { colspan: 5 }, errorBox(j))));
        done[i] = true;
        return;
      }
      append(tbody, h("tr", {}, h("td", {}, j.id), h("td", {}, j.type), h("td", {}, statusBadge(j.status)),
        h("td", {}, Math.round(j.progress * 100) + "%"), h("td", {}, eta(j)),
        h("td", {}, `${j.attempts}/${j.max_attempts}`)));
    });
    append(table, tbody);
    append(head, h("div", { class: "table-wrap" }, table));
    const first = jobs[0];
    if (first && !(first instanceof Error)) {
      clear(info);
      append(info, h("h2", {}, "Hyperparameters and settings"), kv(first.params));
      if (first.error) append(info, h("h2", {}, "Error"), h("p", { class: "error" }, first.error));
      if (first.result && Object.keys(first.result).length) {
        append(info, h("h2", {}, "Result and artifacts"), kv(first.result));
      }
    }
    // New curve points since the last poll, all pages.
    for (let i = 0; i < ids.length; ++i) {
      if (done[i]) continue;
      const terminal = !(jobs[i] instanceof Error) && TERMINAL.has(jobs[i].status);
      for (;;) {
        const page = await get(`/api/jobs/${encodeURIComponent(ids[i])}/metrics?since=${cursors[i]}&limit=10000`);
        appendPage(curves[i], page);
        cursors[i] = page.next_since;
        if (!page.has_more) break;
      }
      if (terminal) done[i] = true;
    }
    drawCharts();
    // Log tail of the first run.
    if (first && !(first instanceof Error)) {
      const logs = await get(`/api/jobs/${encodeURIComponent(ids[0])}/logs?after=${logCursor}&limit=200`);
      for (const l of logs.lines) {
        logBox.textContent += `${fmtTime(l.created_at)}  ${l.line}\n`;
        logCursor = l.id;
      }
    }
    return !done.every(Boolean);
  }, RUN_POLL_MS);
  return () => { stop(); for (const c of charts.values()) c.destroy(); };
};
