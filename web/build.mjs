// Builds dist/ (checked in, embedded into the trainyard binary by CMake):
// one minified script bundling the TypeScript sources and uPlot, one style
// sheet, the page. Deterministic: same sources and lockfile, same bytes.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  outfile: "dist/app.js",
  logLevel: "warning",
});
const css =
  readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8") + "\n" +
  readFileSync("src/style.css", "utf8");
writeFileSync("dist/app.css", css);
copyFileSync("src/index.html", "dist/index.html");
