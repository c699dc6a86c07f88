// The Trainyard dashboard: hash routes (#/jobs, #/runs/<id>[,<id>...],
// #/models[/<id>], #/ilp, #/studio[/<tab or model>], #/gym, #/admin, #/api)
// so every page has a URL to share; every action goes through the public API with the
// user's token.
//
// This is the entry script (app.js): the router, the sign-in form and the
// jobs list, about a tenth of the code. Every other page is a chunk of its
// own, fetched by import() when first opened, and the run and gym pages'
// charts (uPlot, half of all the code) come with them: the first load
// evaluates only what it shows (docs/dashboard.md, "Figures").
import { signOut, token, tokenWorks } from "./api";
import { Page } from "./common";
import { append, clear, errorBox, h } from "./dom";
import { jobsPage } from "./pages/jobs";

const main = document.getElementById("main")!;
let cleanup: (() => void) | null = null;

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

// ---------------------------------------------------------------- routing

// The pages loaded on demand. A chunk is fetched once; import() hands the
// same module to every later visit.
const LAZY = new Map<string, () => Promise<Page>>([
  ["runs", () => import("./pages/runs").then((m) => m.runPage)],
  ["models", () => import("./pages/models").then((m) => m.modelsPage)],
  ["ilp", () => import("./pages/ilp").then((m) => m.ilpPage)],
  ["studio", () => import("./pages/studio").then((m) => m.studioPage)],
  ["gym", () => import("./pages/gym").then((m) => m.gymPage)],
  ["admin", () => import("./pages/admin").then((m) => m.adminPage)],
  ["api", () => import("./pages/apiref").then((m) => m.apiPage)],
]);

// Counts route() calls: a page whose chunk arrives after the user went on
// to another hash is not rendered.
let routed = 0;

async function route(): Promise<void> {
  const current = ++routed;
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
  const load = LAZY.get(name);
  const pageName = load ? name : "jobs";
  for (const a of document.querySelectorAll("#nav a")) {
    const href = a.getAttribute("href") ?? "";
    if (href === "#/" + pageName) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  let page: Page = jobsPage;
  if (load) {
    try {
      page = await load();
    } catch (err) {
      // A chunk that is gone (the server was upgraded while this tab was
      // open) or did not arrive.
      if (current !== routed) return;
      append(main, errorBox(err), h("p", {}, "Reload the page to get this dashboard's current files."));
      return;
    }
    if (current !== routed) return;
  }
  cleanup = page(main, args) || null;
  main.focus();
}

window.addEventListener("hashchange", route);
route();
