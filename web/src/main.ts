// The Trainyard dashboard: hash routes (#/jobs, #/runs/<id>[,<id>...],
// #/models[/<id>], #/ilp, #/studio[/<tab or model>], #/gym, #/admin, #/api)
// so every page has a URL to share; every action goes through the public API with the
// user's token.
import { get, post, signOut, token, tokenWorks } from "./api";
import { appendPage, Curve, MetricChart, metricNames } from "./charts";
import { kv, Page, poller, TERMINAL } from "./common";
import { append, clear, errorBox, fmtDuration, fmtTime, h, statusBadge } from "./dom";
import { adminPage } from "./pages/admin";
import { apiPage } from "./pages/apiref";
import { gymPage } from "./pages/gym";
import { ilpPage } from "./pages/ilp";
import { modelsPage } from "./pages/models";
import { studioPage } from "./pages/studio";

const main = document.getElementById("main")!;
let cleanup: (() => void) | null = null;

function product(type: string): string {
  if (type.startsWith("studio")) return "AI Studio";
  if (type.startsWith("gym")) return "Gym";
  if (type.startsWith("ilp")) return "ILP";
  return type.split(".")[0];
}

function eta(job: any): string {
  if (job.status !== "running" || !job.started_at || !(job.progress > 0)) return "–";
  const elapsed = (Date.now() - new Date(job.started_at).getTime()) / 1000;
  return fmtDuration(elapsed * (1 - job.progress) / job.progress);
}

// ---------------------------------------------------------------- sign-in

const signIn: Page = (root) => {
  const input = h("input", { id: "token", type: "password", autocomplete: "off",
    placeholder: "ty_…", "aria-describedby": "token-help" }) as HTMLInputElement;
  const msg = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "signin", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(msg);
    try {
      if (await tokenWorks(input.value.trim())) {
        const target = sessionStorage.getItem("trainyard.after") || "#/jobs";
        sessionStorage.removeItem("trainyard.after");
        // A new hash routes by itself (hashchange); the same one does not.
        if (location.hash === target) route();
        else location.hash = target;
      } else {
        append(msg, errorBox("That token was not accepted."));
      }
    } catch (err) {
      append(msg, errorBox(err));
    }
  } },
  h("h1", {}, "Sign in"),
  h("label", { for: "token" }, "Bearer token"),
  input,
  h("p", { id: "token-help", class: "muted" },
    "Paste a token from `trainyard token create --user NAME`. It is kept in this tab's ",
    "session storage only and sent as the Authorization header."),
  h("button", { class: "primary", type: "submit" }, "Sign in"), msg);
  append(root, form);
  input.focus();
};

// ---------------------------------------------------------------- jobs

const jobsPage: Page = (root) => {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const status = params.get("status") ?? "";
  const page = Number(params.get("page") ?? "1");
  const filter = h("select", { id: "status-filter", "aria-label": "status",
    onchange: (e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      location.hash = "#/jobs" + (v ? "?status=" + v : "");
    } },
    ...["", "queued", "running", "completed", "failed", "cancelled"].map((s) =>
      h("option", { value: s, selected: s === status }, s || "all statuses")));
  const body = h("div", {});
  append(root, h("h1", {}, "Jobs"), h("div", { class: "row" }, filter), body);
  return poller(async () => {
    let list: any;
    try {
      list = await get(`/api/jobs?page_size=25&page=${page}` + (status ? "&status=" + status : ""));
    } catch (err) {
      clear(body); append(body, errorBox(err)); return;
    }
    clear(body);
    if (list.results.length === 0) {
      append(body, h("p", { class: "empty" }, "No jobs yet. Start a training from the ",
        h("a", { href: "#/ilp" }, "ILP"), ", ", h("a", { href: "#/studio" }, "AI Studio"),
        " or ", h("a", { href: "#/gym" }, "gym"), " API; it shows up here."));
      return;
    }
    const rows = list.results.map((j: any) => h("tr", { "data-job": j.id },
      h("td", {}, h("a", { href: "#/runs/" + j.id }, j.id.slice(0, 12))),
      h("td", {}, product(j.type)),
      h("td", { class: "wide" }, j.type),
      h("td", {}, statusBadge(j.status)),
      h("td", {}, h("progress", { max: 1, value: j.progress, "aria-label": "progress" }),
        " ", Math.round(j.progress * 100) + "%"),
      h("td", {}, eta(j)),
      h("td", { class: "wide" }, fmtTime(j.created_at)),
      h("td", {}, TERMINAL.has(j.status) ? "" : h("button", { onclick: async () => {
        try { await post(`/api/jobs/${j.id}/cancel`); } catch (err) { alert((err as Error).message); }
      } }, "Cancel"))));
    append(body, h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ...["Job", "Product", "Type", "Status", "Progress", "ETA",
        "Created", ""].map((t, i) => h("th", { class: i === 2 || i === 6 ? "wide" : "" }, t)))),
      h("tbody", {}, ...rows))));
    const nav = h("div", { class: "row" });
    if (list.previous) append(nav, h("a", { href: `#/jobs?page=${page - 1}${status ? "&status=" + status : ""}` }, "← newer"));
    if (list.next) append(nav, h("a", { href: `#/jobs?page=${page + 1}${status ? "&status=" + status : ""}` }, "older →"));
    append(body, nav);
  }, 2000);
};

// ---------------------------------------------------------------- run detail

// A run page polls every 5 s (three small requests, none once the runs
// ended): the curves of a run that trains for minutes stay live, and an open
// page costs the server well under 1 % of a core (docs/dashboard.md).
const RUN_POLL_MS = 5000;

const runPage: Page = (root, args) => {
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

// ---------------------------------------------------------------- routing

const PAGES: Record<string, Page> = {
  jobs: jobsPage, runs: runPage, models: modelsPage, ilp: ilpPage, studio: studioPage,
  gym: gymPage, admin: adminPage, api: apiPage,
};

function route(): void {
  cleanup?.();
  cleanup = null;
  clear(main);
  const [path] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, ...args] = path.split("/").map(decodeURIComponent);
  const who = document.getElementById("who")!;
  clear(who);
  if (!token()) {
    if (name && name !== "signin") sessionStorage.setItem("trainyard.after", location.hash);
    signIn(main, []);
    return;
  }
  append(who, h("button", { onclick: () => { signOut(); location.hash = "#/signin"; route(); } }, "Sign out"));
  const page = PAGES[name || "jobs"] ?? jobsPage;
  for (const a of document.querySelectorAll("#nav a")) {
    const href = a.getAttribute("href") ?? "";
    if (href === "#/" + (name || "jobs")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  cleanup = page(main, args) || null;
  main.focus();
}

window.addEventListener("hashchange", route);
route();
