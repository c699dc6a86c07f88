// #/api: a readable reference rendered from GET /api/openapi.json (the
// document the server generates from its route table), grouped by surface.
// Public: the document needs no token.
import { get } from "../api";
import { Page, table } from "../common";
import { append, errorBox, h } from "../dom";

// A JSON Schema as a short indented outline ("name?: string (≤ 200)").
function outline(schema: any, indent = ""): string {
  if (schema === false) return "nothing";
  if (!schema || typeof schema !== "object") return "any";
  if (schema.anyOf) return schema.anyOf.map((s: any) => outline(s, indent)).join(" | ");
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type ?? "any"];
  const type = types.join(" | ");
  if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (type === "array") {
    const n = schema.maxItems !== undefined ? ` (${schema.minItems ?? 0}..${schema.maxItems} items)` : "";
    return `[${outline(schema.items, indent)}]${n}`;
  }
  // An object (or null): its named members, then "*" for the others when
  // they may be present (any name, that shape).
  const orNull = types.includes("object") && types.includes("null") ? " | null" : "";
  const others = schema.additionalProperties;
  const varies = others !== undefined && others !== false && others !== true;
  if (types.includes("object") && schema.properties) {
    const req = new Set(schema.required ?? []);
    const lines = Object.entries(schema.properties).map(([k, v]: [string, any]) =>
      `${indent}  ${k}${req.has(k) ? "" : "?"}: ${outline(v, indent + "  ")}`);
    if (varies) lines.push(`${indent}  *: ${outline(others, indent + "  ")}`);
    return `{\n${lines.join("\n")}\n${indent}}${orNull}`;
  }
  if (types.includes("object") && varies) {
    return `{ *: ${outline(others, indent)} }${orNull}`;
  }
  const bounds = [schema.minimum !== undefined ? `≥ ${schema.minimum}` : "",
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : "",
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : ""].filter(Boolean).join(", ");
  return bounds ? `${type} (${bounds})` : type;
}

// What an operation reads and answers, folded away under its path.
function details(op: any): HTMLElement {
  const parts: string[] = [];
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (body) parts.push("Request body" + (op.requestBody.required ? "" : " (optional)") + ": " + outline(body));
  for (const [code, r] of Object.entries(op.responses ?? {}) as [string, any][]) {
    if (!code.startsWith("2")) continue;
    const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
    parts.push(`${code} ${r.description}` + (media ? `, ${type}` + ((media as any).schema ?
      ": " + outline((media as any).schema) : "") : ""));
  }
  const errors = Object.entries(op.responses ?? {}).filter(([c]) => !c.startsWith("2"))
    .map(([c, r]: [string, any]) => `${c} ${r.description}`);
  parts.push("Errors (standard error body {error: {code, message, details}, timestamp}):\n  " + errors.join("\n  "));
  return h("details", {}, h("summary", {}, "schemas"), h("pre", { class: "schema" }, parts.join("\n\n")));
}

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
          h("div", {}, h("code", { "data-path": path }, path), details(op)), h("span", {}, access),
          h("span", { class: "muted" }, codes)]);
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
