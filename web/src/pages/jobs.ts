// #/jobs (the page after sign-in): every job of the three products with
// status, progress, ETA and cancel, refreshed every 2 s. Part of the entry
// script (app.js), as the first page most visits show; the other pages are
// loaded when first opened (main.ts).
import { get, post } from "../api";
import { eta, poller, Page, TERMINAL } from "../common";
import { append, clear, errorBox, fmtTime, h, statusBadge } from "../dom";

function product(type: string): string {
  if (type.startsWith("studio")) return "AI Studio";
  if (type.startsWith("gym")) return "Gym";
  if (type.startsWith("ilp")) return "ILP";
  return type.split(".")[0];
}

export const jobsPage: Page = (root) => {
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
