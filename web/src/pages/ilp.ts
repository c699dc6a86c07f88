// #/ilp: the caller's ILP models and versions, a train form with the
// documented defaults, the agent against the baselines (the version's last
// evaluation, or a new one) and predict-action with the rule that fired.
import { blobUrl, get, post } from "../api";
import { barChart, Page, table } from "../common";
import { append, clear, errorBox, fmtNumber, h, statusBadge } from "../dom";

// What an evaluation reports per strategy (USD means per episode).
const EVAL_FIGURES: [string, string][] = [
  ["mean_reward_usd", "reward"], ["mean_fee_income_usd", "fees"],
  ["mean_impermanent_loss_usd", "impermanent loss"], ["mean_gas_usd", "gas"],
  ["mean_final_value_usd", "final position value"],
];

function evaluationChart(title: string, evaluation: any): HTMLElement {
  const strategies: [string, any][] = [["agent", evaluation.agent],
    ...Object.entries(evaluation.baselines ?? {}) as [string, any][]];
  return barChart(title, EVAL_FIGURES.map(([, label]) => label + " (USD)"),
    strategies.map(([name, figures]) => ({
      label: name,
      values: EVAL_FIGURES.map(([key]) => (typeof figures?.[key] === "number" ? figures[key] : null)),
    })));
}

function field(label: string, name: string, value: string, help = ""): HTMLElement {
  return h("label", { class: "field" }, label,
    h("input", { name, value, "aria-label": label, title: help }));
}

function trainForm(onDone: () => void): HTMLElement {
  const msg = h("div", { "aria-live": "polite" });
  const algo = h("select", { name: "algo", "aria-label": "algorithm" },
    h("option", { value: "ppo" }, "PPO"), h("option", { value: "ddpg" }, "DDPG")) as HTMLSelectElement;
  const form = h("form", { class: "form-grid", id: "ilp-train", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(msg);
    const data = new FormData(form as HTMLFormElement);
    const num = (k: string) => Number(data.get(k));
    const body: any = {
      model_name: `model_storage/${algo.value}/${String(data.get("name")).trim()}`,
      max_steps: num("max_steps"), n_episodes: num("n_episodes"),
      agent_budget_usd: num("agent_budget_usd"), action_transform: String(data.get("action_transform")),
      seed: num("seed"),
    };
    if (algo.value === "ddpg") body.training = true;
    try {
      const r = await post(`/api/v1/${algo.value}/train/`, body);
      append(msg, h("p", {}, "Training started: ", h("a", { href: "#/runs/" + r.job_id }, "watch its curves")));
      onDone();
    } catch (err) { append(msg, errorBox(err)); }
  } },
  h("label", { class: "field" }, "Algorithm", algo),
  field("Model name", "name", "my_model"),
  // The documented defaults (docs/ilp.md), except a short run.
  field("Steps per episode (max_steps)", "max_steps", "200", "default 10000"),
  field("Episodes (n_episodes)", "n_episodes", "5", "default 100"),
  field("Budget (USD)", "agent_budget_usd", "10000"),
  h("label", { class: "field" }, "Action transform",
    h("select", { name: "action_transform", "aria-label": "action transform" },
      ...["linear", "non-linear", "recentre"].map((v) => h("option", { value: v }, v)))),
  field("Seed", "seed", "0"),
  h("button", { class: "primary", type: "submit" }, "Train"), msg);
  return form;
}

function predictForm(): HTMLElement {
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "form-grid", id: "ilp-predict", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(out);
    const data = new FormData(form as HTMLFormElement);
    const body: any = {};
    for (const [k, v] of data.entries()) if (String(v).trim()) body[k] = String(v).trim();
    try {
      const r = await post("/api/v1/predict-action/", body);
      const rows = ["ddpg_action", "ppo_action"].filter((k) => r[k]).map((k) => [
        k.replace("_action", "").toUpperCase(), r[k].decision ?? "place",
        fmtNumber(r[k].price_lower), fmtNumber(r[k].price_upper),
        `${r[k].tick_lower} … ${r[k].tick_upper}`]);
      append(out, h("p", {}, `Pool price ${fmtNumber(r.price)} (tick ${r.tick}) on ${r.date_str}, data: ${r.data_source}`),
        table(["Agent", "Rule that fired", "Lower price", "Upper price", "Ticks"], rows, [4]));
      if (r.note) append(out, h("p", { class: "muted" }, r.note));
    } catch (err) { append(out, errorBox(err)); }
  } },
  field("Pool", "pool_id", "", "an address or preset such as WETH/USDC (default: the WETH/USDC pool)"),
  field("DDPG agent path", "ddpg_agent_path", "", "model_storage/ddpg/<name>"),
  field("PPO agent path", "ppo_agent_path", "", "model_storage/ppo/<name>"),
  field("Date", "date_str", "", "YYYY-MM-DD (default 2024-05-05)"),
  h("button", { type: "submit" }, "Predict action"), out);
  return form;
}

async function evaluate(algo: string, name: string, version: number, box: HTMLElement,
                        urls: string[]): Promise<void> {
  clear(box);
  append(box, h("p", { class: "muted" }, "Evaluating (5 episodes of 200 steps)…"));
  try {
    const r = await post(`/api/v1/${algo}/evaluate/`, {
      model_name: `model_storage/${algo}/${name}`, model_version: version, eval_steps: 200,
      eval_episodes: 5, baselines: ["hodl", "full_range", "fixed", "tau_reset"] });
    clear(box);
    append(box, evaluationChart(`v${version}: agent against the baselines (mean per episode)`, r));
    const slash = r.plot_path.lastIndexOf("/");
    const url = await blobUrl("/api/v1/file/download/?file_path=" +
      encodeURIComponent(r.plot_path.slice(0, slash)) + "&file_name=" + encodeURIComponent(r.plot_path.slice(slash + 1)));
    urls.push(url);
    append(box, h("img", { class: "plot", src: url, alt: "cumulative reward of the agent and each baseline over the evaluation" }));
  } catch (err) {
    clear(box);
    append(box, errorBox(err));
  }
}

export const ilpPage: Page = (root) => {
  const urls: string[] = [];
  const body = h("div", { id: "ilp-models" });
  const load = () => get("/api/v1/ilp/models/?page_size=100").then((list) => {
    clear(body);
    if (!list.results.length) {
      append(body, h("p", { class: "empty" },
        "No ILP models yet. Train one with the form above (or POST /api/v1/ppo/train/, docs/ilp.md)."));
      return;
    }
    for (const m of list.results) {
      const evalBox = h("div", { class: "charts" });
      append(body, h("h3", {}, `${m.algo} / ${m.name}`));
      append(body, table(["Version", "Status", "Steps", "Agent reward (USD)", "Baselines", "Run", ""],
        m.versions.map((v: any) => [
          v.version, statusBadge(v.status), fmtNumber(v.training?.steps),
          fmtNumber(v.evaluation?.agent?.mean_reward_usd),
          v.evaluation ? Object.entries(v.evaluation.baselines ?? {}).map(
            ([k, b]: [string, any]) => `${k}: ${fmtNumber(b?.mean_reward_usd)}`).join(", ") : "–",
          v.job_id ? h("a", { href: "#/runs/" + v.job_id }, "curves") : "–",
          v.status === "done" ? h("button", { onclick: () => evaluate(m.algo, m.name, v.version, evalBox, urls) },
            "Evaluate") : "",
        ]), [4]));
      for (const v of m.versions) {
        if (v.evaluation?.agent) {
          append(evalBox, evaluationChart(`v${v.version}: last evaluation against the baselines`, v.evaluation));
        }
      }
      append(body, evalBox);
    }
  }).catch((e) => { clear(body); append(body, errorBox(e)); });
  append(root, h("h1", {}, "ILP models"),
    h("details", {}, h("summary", {}, "Train a model"), trainForm(load)),
    h("details", {}, h("summary", {}, "Predict an action"), predictForm()),
    h("h2", {}, "Your models"), body);
  load();
  return () => urls.forEach((u) => URL.revokeObjectURL(u));
};

