// Builds dist/ (checked in; CMake embeds every file in it into the trainyard
// binary): the page, one style sheet, and the scripts as ES modules split by
// esbuild — the entry app.js (router, sign-in form, jobs list) and, in
// chunks/<content hash>.js, each page loaded on demand by import(), uPlot,
// and the code they share with the entry. The page preloads the chunks the
// entry imports, so the first load fetches them in parallel with app.js
// instead of after it.
// Deterministic: same sources and lockfile, same bytes (names included).
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

// Emptied first: a chunk whose hash changed must not stay behind (and be
// embedded).
rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
const result = await build({
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  minify: true,
  format: "esm",
  splitting: true,
  target: "es2020",
  legalComments: "eof",
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunks/[hash]",
  metafile: true,
  logLevel: "warning",
});

// What app.js imports statically, as the page's modulepreload links.
const entry = result.metafile.outputs["dist/app.js"];
const preloads = entry.imports
  .filter((i) => i.kind === "import-statement")
  .map((i) => `<link rel="modulepreload" href="/${i.path.replace(/^dist\//, "")}">\n`)
  .join("");
const page = readFileSync("src/index.html", "utf8");
const script = '<script type="module" src="/app.js"></script>\n';
if (!page.includes(script)) throw new Error("src/index.html lost its " + script);
writeFileSync("dist/index.html", page.replace(script, script + preloads));

const css =
  readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8") + "\n" +
  readFileSync("src/style.css", "utf8");
writeFileSync("dist/app.css", css);
