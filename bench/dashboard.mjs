// Figures of the dashboard (docs/dashboard.md#figures), in headless
// chromium against a fresh `trainyard serve` on loopback:
//   1. first load of / with an empty cache until the sign-in form shows,
//      against baselines measured in the same run, loads taking turns: the
//      same page with JavaScript off (navigation, HTML and style sheet, first
//      paint: what no script can beat), if given another binary's dashboard
//      (e.g. main's build before a change), and this one without the start
//      of a renderer process;
//   2. a run chart with 100,000 points: uPlot's build-and-draw time;
//   3. the server's CPU time over 60 s with a training job running, without,
//      with and again without its run page open (the cost of live updates
//      per page).
//   node bench/dashboard.mjs build/release/src/cli/trainyard [baseline trainyard] [--first-load-only]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Harness, chartPoints, waitFor } from "../tests/browser/harness.mjs";

const args = process.argv.slice(2);
const firstLoadOnly = args.includes("--first-load-only");
const [binary, baselineBinary] = args.filter((a) => !a.startsWith("--"));
const t = new Harness(binary);
const baseline = baselineBinary ? new Harness(baselineBinary) : null;
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, in ticks of 10 ms
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const range = (xs) => `${Math.min(...xs)}–${Math.max(...xs)}`;

// One first load of `base` + "/" in a fresh context (empty cache), opened
// on about:blank first; chromium still starts a renderer process for the
// server's site when the page is navigated there (as from a new tab), and
// that start is part of the figure. With `warm`, the context opens
// `base`/api/v1/health first instead, so the page reuses that site's
// renderer (and the cache holds no file of the dashboard). Timed by the
// page's own clock from
// navigation start until the sign-in form is painted: the paint time that
// chromium's Element Timing reports for the form's heading (marked with
// `elementtiming` by a MutationObserver installed before the page's own
// script, as the form enters the document). Also noted: the end of the
// first animation frame after that (what this script measured until the
// bundle was split; under load the paint is reported up to ~30 ms later).
// Asking the page from here instead (waitForFunction) adds the load event
// and a DevTools round trip to every figure. With `scripts` false
// (JavaScript off) there is no form: the load ends at the first contentful
// paint of the HTML and style sheet.
// Returns { shown, frame, inDocument, detail } in ms from navigation start.
async function firstLoad(base, scripts = true, warm = false) {
  const context = await t.browser.newContext({ viewport: { width: 1280, height: 900 },
    javaScriptEnabled: scripts });
  const page = await context.newPage();
  await page.goto(warm ? base + "/api/v1/health" : "about:blank");
  if (scripts) {
    await page.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]);
      }).observe({ type: "longtask", buffered: true });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.identifier === "signin") window.__formPaintedAt = e.renderTime || e.loadTime;
        }
      }).observe({ type: "element", buffered: true });
      new MutationObserver((_, observer) => {
        if (!document.querySelector("#token")) return;
        observer.disconnect();
        window.__formAt = performance.now();
        document.querySelector("form h1, #token")?.setAttribute("elementtiming", "signin");
        // The end of the frame that shows it: the next animation frame is
        // drawn before the task that follows it runs.
        requestAnimationFrame(() => setTimeout(() => { window.__formFrameAt = performance.now(); }));
      }).observe(document, { childList: true, subtree: true });
    });
  }
  await page.goto(base + "/");
  const fcp = () => page.evaluate(() =>
    performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
  let at;
  if (scripts) {
    await page.waitForFunction(() => window.__formPaintedAt !== undefined &&
      window.__formFrameAt !== undefined, null, { polling: 50 });
    at = await page.evaluate(() => [window.__formAt, window.__formPaintedAt, window.__formFrameAt]);
  } else {
    const paint = await waitFor(fcp, "the first paint", 60_000);
    at = [paint, paint, paint];
  }
  // Where the time went: each file's request and answer, the long tasks
  // (script evaluation), the first paint.
  const detail = await page.evaluate(() => {
    const all = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    const bytes = all.reduce((n, e) => n + e.transferSize, 0);
    const files = all.map((e) => `${new URL(e.name).pathname} ${Math.round(e.requestStart)}–` +
      `${Math.round(e.responseEnd)}`).join(", ");
    const long = (window.__long ?? []).map(([s, d]) => `${Math.round(s)}+${Math.round(d)}`).join(", ");
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return `${all.length} requests, ${(bytes / 1024).toFixed(1)} KiB transferred, all bytes received at ` +
      `${Math.round(Math.max(...all.map((e) => e.responseEnd)))} ms [${files}]; long tasks ` +
      `[${long || "none"}]; first contentful paint ${fcp ? Math.round(fcp.startTime) : "?"} ms`;
  });
  await context.close();
  return { shown: Math.round(at[1]), frame: Math.round(at[2]), inDocument: Math.round(at[0]), detail };
}

try {
  await t.startServer(["--workers", "1"]);
  if (baseline) await baseline.startServer(["--workers", "1"]);
  await t.launchBrowser();

  // The candidate, the static floor and the baseline binary take turns, so
  // a busier moment of the machine falls on all of them alike.
  const runs = 9;
  const subjects = [
    { name: "this dashboard", base: t.base, scripts: true, loads: [] },
    { name: "the same page with JavaScript off (floor)", base: t.base, scripts: false, loads: [] },
    ...(baseline ? [{ name: `baseline ${baselineBinary}`, base: baseline.base, scripts: true, loads: [] }] : []),
    { name: "this dashboard, the site's renderer already up", base: t.base, scripts: true, warm: true,
      loads: [] },
  ];
  const loadBefore = load();
  await firstLoad(t.base);  // warms the server's one-time gzip of each file
  if (baseline) await firstLoad(baseline.base);
  for (let i = 0; i < runs; ++i) {
    for (const s of subjects) s.loads.push(await firstLoad(s.base, s.scripts, s.warm));
  }
  console.log(`first load (empty cache) until the sign-in form is painted, median of ${runs}, ` +
    `load average ${loadBefore} -> ${load()}:`);
  const ours = median(subjects[0].loads.map((l) => l.shown));
  for (const s of subjects) {
    const shown = s.loads.map((l) => l.shown);
    const m = median(shown);
    const typical = s.loads.find((l) => l.shown === m);
    console.log(`  ${s.name}: ${m} ms (${range(shown)})` +
      (s.scripts ? `, in the document at ${median(s.loads.map((l) => l.inDocument))} ms, its frame ` +
        `done at ${median(s.loads.map((l) => l.frame))} ms` : "") +
      (s === subjects[0] ? "" : `; this dashboard / it = ${(ours / m).toFixed(2)}`) +
      `\n    median run: ${typical.detail}`);
  }
  if (!firstLoadOnly) await chartAndLiveUpdates();
} finally {
  await t.stop();
  await baseline?.stop();
}

// Figures 2 and 3.
async function chartAndLiveUpdates() {
  const big = await t.api(t.admin, "POST", "/api/jobs",
    { type: "test.count", params: { units: 100000, sleep_ms: 0 } });
  await waitFor(async () => (await t.api(t.admin, "GET", `/api/jobs/${big.id}`)).status === "completed",
    "100,000 points", 600_000);
  const page = await t.openPage("chart");
  await t.signIn(page, t.admin);
  const start = Date.now();
  await page.goto(`${t.base}/#/runs/${big.id}`);
  await waitFor(async () => (await chartPoints(page, "episode_return_mean")) === 100000, "the chart", 120_000);
  const fetched = Date.now() - start;
  const draw = await page.$eval('.plot[data-metric="episode_return_mean"]', (el) => el.dataset.drawMs);
  console.log(`100,000-point chart: draw ${draw} ms; page open to all points drawn (10 pages fetched) ${fetched} ms`);
  await page.context().close();

  // The same running job without its page, with it open, and without it
  // again: the job's own CPU drifts as its history grows, so the page's
  // cost is the open window against the mean of the two around it.
  const live = await t.api(t.admin, "POST", "/api/jobs",
    { type: "test.count", params: { units: 100000, sleep_ms: 20 } });
  await sleep(5_000);
  const window = 60_000;
  const measure = async () => {
    const c0 = cpuSeconds(t.server.pid);
    await sleep(window);
    return cpuSeconds(t.server.pid) - c0;
  };
  const before = await measure();
  const watcher = await t.openPage("live");
  await t.signIn(watcher, t.admin);
  await watcher.goto(`${t.base}/#/runs/${live.id}`);
  await sleep(5_000);
  const seen = [];
  watcher.on("request", (r) => seen.push(r.url()));
  const withPage = await measure();
  watcher.removeAllListeners("request");
  await watcher.context().close();
  await sleep(2_000);
  const after = await measure();
  const without = (before + after) / 2;
  const share = ((withPage - without) / (window / 1000)) * 100;
  console.log(`server CPU per ${window / 1000} s with a job running: ${before.toFixed(2)} s and ` +
    `${after.toFixed(2)} s without its page, ${withPage.toFixed(2)} s with it open ` +
    `(${seen.length} requests): the page costs ${share.toFixed(2)} % of a core by the window method`);

  // The window method's noise (the job's own CPU drifts) is larger than the
  // page. So also: the very requests the page made, replayed 50 times each
  // (same URLs, same token, the job still running), against an idle window
  // of the same length — the page's cost is its request rate times that.
  const replay = async () => {
    const c0 = cpuSeconds(t.server.pid);
    const t0 = Date.now();
    for (let i = 0; i < 50; ++i) {
      for (const url of seen) {
        const res = await fetch(url, { headers: { Authorization: "Bearer " + t.admin } });
        await res.arrayBuffer();
      }
    }
    return { cpu: cpuSeconds(t.server.pid) - c0, ms: Date.now() - t0 };
  };
  const replayed = await replay();
  const c1 = cpuSeconds(t.server.pid);
  await sleep(replayed.ms);
  const idle = cpuSeconds(t.server.pid) - c1;
  const perRequestMs = ((replayed.cpu - idle) / (50 * seen.length)) * 1000;
  const perMinute = seen.length / (window / 60_000);
  const replayShare = (perRequestMs * perMinute) / 60_000 * 100;
  console.log(`the page's ${seen.length} requests replayed 50 times: ${perRequestMs.toFixed(2)} ms of ` +
    `server CPU each; at ${perMinute.toFixed(0)} a minute the page costs ${replayShare.toFixed(3)} % of a core`);
}
