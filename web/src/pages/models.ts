// #/models: the signed-in user's models of every product from the model
// registry (GET /api/models), filterable by product; #/models/<id> shows
// one model's versions, each with its artifact, metrics and training run.
import { get } from "../api";
import { kv, Page, table } from "../common";
import { append, clear, errorBox, fmtTime, h, statusBadge } from "../dom";

const PRODUCTS: [string, string][] = [["", "all products"], ["ilp", "ILP"],
  ["studio", "AI Studio"], ["gym", "Gym"]];

// The dashboard page of the product that owns the model.
function productHref(m: any): string {
  if (m.product === "studio") return "#/studio/" + encodeURIComponent(m.id);
  return "#/" + m.product;
}

function modelList(root: HTMLElement): void {
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const product = params.get("product") ?? "";
  const page = Number(params.get("page") ?? "1");
  const query = (p: number) => `#/models?page=${p}${product ? "&product=" + product : ""}`;
  const filter = h("select", { id: "product-filter", "aria-label": "product",
    onchange: (e: Event) => {
      const v = (e.target as HTMLSelectElement).value;
      location.hash = "#/models" + (v ? "?product=" + v : "");
    } },
    ...PRODUCTS.map(([v, label]) => h("option", { value: v, selected: v === product }, label)));
  const body = h("div", {});
  append(root, h("h1", {}, "Models"), h("div", { class: "row" }, filter), body);
  get(`/api/models?page_size=25&page=${page}` + (product ? "&product=" + product : ""))
    .then((list) => {
      if (list.results.length === 0) {
        append(body, h("p", { class: "empty" }, "No models yet. Train one from the ",
          h("a", { href: "#/ilp" }, "ILP"), ", ", h("a", { href: "#/studio" }, "AI Studio"),
          " or ", h("a", { href: "#/gym" }, "gym"), " page; every product's models are listed here."));
        return;
      }
      const rows = list.results.map((m: any) => h("tr", { "data-model": m.id },
        h("td", {}, h("a", { href: "#/models/" + encodeURIComponent(m.id) }, m.name)),
        h("td", {}, h("a", { href: productHref(m) }, m.product)),
        h("td", { class: "wide" }, m.kind),
        h("td", {}, statusBadge(m.status)),
        h("td", { class: "wide" }, fmtTime(m.updated_at))));
      append(body, h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ...["Model", "Product", "Kind", "Status", "Updated"]
          .map((t, i) => h("th", { class: i === 2 || i === 4 ? "wide" : "" }, t)))),
        h("tbody", {}, ...rows))));
      const nav = h("div", { class: "row" });
      if (list.previous) append(nav, h("a", { href: query(page - 1) }, "← newer"));
      if (list.next) append(nav, h("a", { href: query(page + 1) }, "older →"));
      append(body, nav);
    })
    .catch((err) => append(body, errorBox(err)));
}

function modelDetail(root: HTMLElement, id: string): void {
  const body = h("div", {});
  append(root, h("p", {}, h("a", { href: "#/models" }, "← all models")), body);
  get(`/api/models/${encodeURIComponent(id)}`).then((m) => {
    append(body, h("h1", {}, m.name, " ", statusBadge(m.status)),
      h("p", { class: "muted" }, `${m.kind} · created ${fmtTime(m.created_at)} · `,
        h("a", { href: productHref(m) }, "open in " + m.product)),
      kv(m.metadata), h("h2", {}, "Versions"));
    if (!m.versions.length) {
      append(body, h("p", { class: "empty" }, "Not trained yet: a completed training adds version 1."));
      return;
    }
    append(body, h("div", { id: "versions" }, table(["Version", "Artifact", "Run", "Metrics", "Created"],
      m.versions.map((v: any) => [String(v.version), v.artifact_path ?? "–",
        v.job_id ? h("a", { href: "#/runs/" + v.job_id }, v.job_id.slice(0, 12)) : "–",
        kv(v.metrics), fmtTime(v.created_at)]), [1, 4])));
  }).catch((err) => { clear(body); append(body, errorBox(err)); });
}

export const modelsPage: Page = (root, args) => {
  if (args.length && args[0]) modelDetail(root, args[0]);
  else modelList(root);
};
