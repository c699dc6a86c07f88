// Learning-curve charts on uPlot (canvas, ~50 kB, no dependencies): one
// chart per metric, one line per run, so several runs overlay. Drag to
// zoom, double-click to reset.
import uPlot from "uplot";
import { h } from "./dom";

// The columnar curve of one run as GET /api/jobs/{id}/metrics returns it,
// accumulated across polls.
export interface Curve {
  jobId: string;
  steps: number[];
  series: Record<string, (number | null)[]>;
}

export function appendPage(curve: Curve, page: any): void {
  const n = curve.steps.length;
  const m = page.steps.length;
  for (const s of page.steps) curve.steps.push(s);
  const names = new Set([...Object.keys(curve.series), ...Object.keys(page.series)]);
  for (const name of names) {
    const col = curve.series[name] ?? (curve.series[name] = new Array(n).fill(null));
    const add: (number | null)[] = page.series[name] ?? new Array(m).fill(null);
    for (const v of add) col.push(v);
  }
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

// Preferred order: what people look at first.
const ORDER = ["episode_return_mean", "episode_reward_mean", "policy_loss", "value_loss",
  "loss", "actor_loss", "critic_loss", "entropy", "sps", "learning_rate"];

export function metricNames(curves: Curve[]): string[] {
  const all = new Set<string>();
  for (const c of curves) for (const k of Object.keys(c.series)) all.add(k);
  return [...all].sort((a, b) => {
    const ia = ORDER.indexOf(a), ib = ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}

// One chart (a metric across runs) that can be fed new data.
export class MetricChart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private host: HTMLElement;
  private runs = 0;
  // True after the user dragged a zoom window, until a double-click resets
  // it: live updates then keep the window instead of rescaling.
  private zoomed = false;

  constructor(readonly metric: string) {
    this.host = h("div", { class: "plot", "data-metric": metric });
    this.el = h("section", { class: "chart", "aria-label": "chart of " + metric },
      h("h3", {}, metric), this.host);
  }

  update(curves: Curve[]): void {
    const started = performance.now();
    const tables: uPlot.AlignedData[] = curves.map((c) => [
      c.steps, (c.series[this.metric] ?? new Array(c.steps.length).fill(null)) as any]);
    const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    // For people with screen readers and for the browser tests.
    const points = (curves[0]?.series[this.metric] ?? []).filter((v) => v !== null).length;
    this.host.dataset.points = String(points);
    if (!this.plot || this.runs !== curves.length) {
      this.plot?.destroy();
      this.runs = curves.length;
      const width = Math.max(280, this.host.clientWidth || 340);
      this.plot = new uPlot({
        width, height: 220,
        scales: { x: { time: false } },
        axes: [{ label: "step" }, {}],
        cursor: {
          drag: { x: true, y: false },
          bind: {
            dblclick: (_u, _target, handler) => (e: MouseEvent) => {
              this.zoomed = false;
              return handler(e);
            },
          },
        },
        hooks: { setSelect: [(u: uPlot) => { if (u.select.width > 0) this.zoomed = true; }] },
        series: [{ label: "step" }, ...curves.map((c, i) => ({
          label: c.jobId.slice(0, 8),
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: true,
        }))],
      }, data, this.host);
    } else {
      this.plot.setData(data, !this.zoomed);
    }
    // uPlot draws synchronously: the time to build (or feed) and draw.
    this.host.dataset.drawMs = (performance.now() - started).toFixed(1);
  }

  destroy(): void {
    this.plot?.destroy();
  }
}

// A small time-series chart (x: ISO timestamps as the API gives them, one
// line per series), e.g. a deployment's request latency per minute.
export function timeChart(title: string, timestamps: string[],
                          series: { label: string; values: (number | null)[] }[]): HTMLElement {
  const host = h("div", { class: "plot", "data-metric": title });
  const el = h("section", { class: "chart", "aria-label": "chart of " + title }, h("h3", {}, title), host);
  const xs = timestamps.map((t) => new Date(t).getTime() / 1000);
  host.dataset.points = String(xs.length);
  // Drawn once the section is in the page (uPlot measures nothing, but the
  // width should follow the grid cell).
  requestAnimationFrame(() => {
    new uPlot({
      width: Math.max(280, host.clientWidth || 340), height: 200,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length],
        width: 1.5, spanGaps: true }))],
    }, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, host);
  });
  return el;
}
