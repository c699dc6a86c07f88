// #/api: a readable reference rendered from GET /api/openapi.json (the
// document the server generates from its route table), grouped by surface.
// Public: the document needs no token.
import { get } from "../api";
import { Page, table } from "../common";
import { append, errorBox, h } from "../dom";

export const apiPage: Page = (root) => {
  const body = h("div", {});
  const filter = h("input", { type: "search", placeholder: "filter paths", "aria-label": "filter paths",
    id: "api-filter" }) as HTMLInputElement;
  append(root, h("h1", {}, "API reference"),
    h("p", { class: "muted" }, "Generated from the server's route table; the raw document is ",
      h("a", { href: "/api/openapi.json" }, "/api/openapi.json"), " (OpenAPI 3.1). Send ",
      h("code", {}, "Authorization: Bearer <token>"), " except where marked public."),
    h("div", { class: "row" }, filter), body);
  get("/api/openapi.json").then((doc) => {
    const byTag = new Map<string, HTMLElement[][]>();
    for (const [path, ops] of Object.entries(doc.paths) as [string, any][]) {
      for (const [method, op] of Object.entries(ops) as [string, any][]) {
        const tag = op.tags?.[0] ?? "other";
        if (!byTag.has(tag)) byTag.set(tag, []);
        const access = op.security?.length === 0 ? "public" : op.description?.includes("Admin") ? "admin" : "user";
        const codes = Object.keys(op.responses ?? {}).join(" ");
        byTag.get(tag)!.push([h("span", { class: "method method-" + method }, method.toUpperCase()),
          h("code", { "data-path": path }, path), h("span", {}, access), h("span", { class: "muted" }, codes)]);
      }
    }
    for (const t of doc.tags ?? []) {
      const rows = byTag.get(t.name);
      if (!rows) continue;
      append(body, h("h2", {}, `${t.name} — ${t.description}`),
        table(["Method", "Path", "Access", "Responses"], rows, [3]));
    }
    filter.addEventListener("input", () => {
      const q = filter.value.toLowerCase();
      for (const code of body.querySelectorAll("code[data-path]")) {
        const row = code.closest("tr") as HTMLElement;
        row.hidden = !code.getAttribute("data-path")!.toLowerCase().includes(q);
      }
    });
  }).catch((e) => append(body, errorBox(e)));
};
