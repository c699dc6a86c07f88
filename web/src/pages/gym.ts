// #/gym: training tasks with their curves, reconcile results charted
// (the agent against HPA, static and maximum replicas), and deployments
// with their live request metrics.
import { get, post } from "../api";
import { timeChart } from "../charts";
import { barChart, Page, poller, table } from "../common";
import { append, clear, errorBox, fmtTime, h, statusBadge } from "../dom";

// Reconcile figures worth comparing, with their units.
const FIGURES: [string, string][] = [
  ["reward_per_step", "reward per step"], ["avg_latency", "mean latency (ms)"],
  ["p95_latency", "p95 latency (ms)"], ["avg_replicas", "mean replicas"],
  ["success_rate", "steps within the SLO"],
];

async function reconcile(taskId: string, box: HTMLElement): Promise<void> {
  clear(box);
  append(box, h("p", { class: "muted" }, "Running the policy and the baselines for 100 steps…"));
  try {
    const r = await post(`/api/v1/training/${taskId}/reconcile?sample_size=100`);
    const strategies: [string, any][] = [["agent", r.metrics], ...Object.entries(r.baselines ?? {}) as [string, any][]];
    clear(box);
    append(box, barChart(`Reconcile of ${taskId.slice(0, 8)} on group ${r.group_id} (${r.sample_size} steps)`,
      FIGURES.map(([, label]) => label), strategies.map(([name, m]) => ({
        label: name, values: FIGURES.map(([key]) => (typeof m?.[key] === "number" ? m[key] : null)) }))));
  } catch (err) {
    clear(box);
    append(box, errorBox(err));
  }
}

function deployments(box: HTMLElement): void {
  get("/api/v1/models?per_page=50").then(async (list) => {
    const models = list.models ?? [];
    if (!models.length) {
      append(box, h("p", { class: "empty" }, "No trained models yet: a completed task registers its model."));
      return;
    }
    append(box, table(["Model", "Name", "Type", "Status", "Mean reward", "Deployment"], models.map((m: any) => [
      m.model_id.slice(0, 12), m.name, m.type, statusBadge(m.status), m.metrics?.avg_reward ?? "–",
      m.deployment ? `${m.deployment.status ?? ""} ${m.deployment.replicas ?? ""} replicas` :
        h("span", { class: "muted" }, "POST /api/v1/models/{id}/deploy")]), [2]));
    const charts = h("div", { class: "charts" });
    append(box, charts);
    for (const m of models.filter((x: any) => x.status === "deployed")) {
      const r = await get(`/api/v1/models/${m.model_id}/metrics`).catch(() => null);
      if (!r) continue;
      const lat = r.metrics.latency, thr = r.metrics.throughput;
      append(charts, timeChart(`${m.name}: latency (ms)`, lat.timestamps, [{ label: "latency", values: lat.values }]),
        timeChart(`${m.name}: requests/s`, thr.timestamps, [{ label: "requests/s", values: thr.values }]));
    }
  }).catch((e) => append(box, errorBox(e)));
}

export const gymPage: Page = (root) => {
  const body = h("div", {});
  const reconcileBox = h("div", { class: "charts", id: "reconcile" });
  const deployBox = h("div", {});
  append(root, h("h1", {}, "Gym"), h("h2", {}, "Training tasks"), body, reconcileBox,
    h("h2", {}, "Models and deployments"), deployBox);
  deployments(deployBox);
  return poller(async () => {
    let list: any;
    try { list = await get("/api/v1/training?per_page=50"); } catch (e) { clear(body); append(body, errorBox(e)); return; }
    clear(body);
    if (!list.tasks.length) {
      append(body, h("p", { class: "empty" },
        "No gym tasks yet. Start one with POST /api/v1/training (docs/gym.md)."));
      return;
    }
    append(body, table(["Task", "Name", "Model", "Status", "Episodes", "Created", ""], list.tasks.map((t: any) => [
      h("a", { href: "#/runs/" + t.task_id }, t.task_id.slice(0, 12)), t.name, t.model_type,
      statusBadge(t.status), `${t.current_episode}/${t.total_episodes}`, fmtTime(t.created_at),
      t.status === "completed" ? h("button", { onclick: () => reconcile(t.task_id, reconcileBox) }, "Reconcile") : "",
    ]), [5]));
  }, 5000);
};
