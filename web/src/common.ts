// What the pages share: the page type, a poller that respects the rate
// limit, key/value lists, tables and a small SVG bar chart (for figures
// compared across strategies, where a line chart has no x axis).
import { pollDelay } from "./api";
import { append, Child, fmtDuration, fmtNumber, h } from "./dom";

// A page: renders into `root`; returns what stops its timers.
export type Page = (root: HTMLElement, args: string[]) => (() => void) | void;

export const TERMINAL = new Set(["completed", "failed", "cancelled"]);

// A running job's time left, extrapolated from its progress so far.
export function eta(job: any): string {
  if (job.status !== "running" || !job.started_at || !(job.progress > 0)) return "–";
  const elapsed = (Date.now() - new Date(job.started_at).getTime()) / 1000;
  return fmtDuration(elapsed * (1 - job.progress) / job.progress);
}

// Repeats `fn` while the page is open, waiting pollDelay(base) between runs
// (slower when the rate-limit budget is low, paused while the tab is hidden).
// `fn` returning false stops it.
export function poller(fn: () => Promise<boolean | void>, base: number): () => void {
  let stopped = false;
  let timer = 0;
  const tick = async () => {
    if (stopped) return;
    let again: boolean | void = true;
    if (document.visibilityState === "visible") {
      try { again = await fn(); } catch { /* shown by fn */ }
    }
    if (!stopped && again !== false) timer = window.setTimeout(tick, pollDelay(base));
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

export function kv(obj: any): HTMLElement {
  const dl = h("dl", { class: "kv" });
  if (!obj || typeof obj !== "object") return dl;
  for (const [k, v] of Object.entries(obj)) {
    append(dl, h("dt", {}, k), h("dd", {},
      typeof v === "object" && v !== null ? JSON.stringify(v).slice(0, 400) : fmtNumber(v)));
  }
  return dl;
}

// A scrollable table; `wide` lists the columns hidden on narrow screens.
export function table(headers: string[], rows: Child[][], wide: number[] = []): HTMLElement {
  const cls = (i: number) => (wide.includes(i) ? "wide" : "");
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ...headers.map((t, i) => h("th", { class: cls(i) }, t)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c, i) => h("td", { class: cls(i) }, c)))))));
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

// Horizontal bars: for each group (a metric), one bar per series (a
// strategy), on one zero-based scale per group so negative values (costs)
// point left. Values are printed beside the bars; null draws nothing.
export function barChart(title: string, groups: string[],
                         series: { label: string; values: (number | null)[] }[]): HTMLElement {
  const width = 360, labelW = 110, barH = 14, gap = 4, groupGap = 14, head = 18;
  const height = head + groups.length * (series.length * (barH + gap) + groupGap);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
    "aria-label": title, class: "bars" });
  let y = 0;
  groups.forEach((g, gi) => {
    const vals = series.map((s) => s.values[gi]).filter((v): v is number => v !== null && isFinite(v));
    const lo = Math.min(0, ...vals), hi = Math.max(0, ...vals);
    const span = hi - lo || 1;
    const plotW = width - labelW - 70;
    const x0 = labelW + ((0 - lo) / span) * plotW;
    root.appendChild(svg("text", { x: 0, y: y + 12, class: "bars-group" }, g));
    y += head;
    series.forEach((s, si) => {
      const v = s.values[gi];
      root.appendChild(svg("text", { x: 8, y: y + barH - 3, class: "bars-label" }, s.label));
      if (v !== null && isFinite(v)) {
        const x1 = labelW + ((v - lo) / span) * plotW;
        root.appendChild(svg("rect", { x: Math.min(x0, x1), y, width: Math.max(1, Math.abs(x1 - x0)),
          height: barH, fill: COLORS[si % COLORS.length] }));
        root.appendChild(svg("text", { x: Math.max(x0, x1) + 4, y: y + barH - 3, class: "bars-value" },
          fmtNumber(v)));
      }
      y += barH + gap;
    });
    y += groupGap;
  });
  root.setAttribute("viewBox", `0 0 ${width} ${y}`);
  return h("section", { class: "chart", "aria-label": title }, h("h3", {}, title), root as unknown as HTMLElement);
}
