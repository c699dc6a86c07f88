// Figures of the dashboard (docs/dashboard.md#figures), in headless
// chromium against a fresh `trainyard serve` on loopback:
//   1. first load of / with an empty cache until the sign-in form shows;
//   2. a run chart with 100,000 points: uPlot's build-and-draw time;
//   3. the server's CPU time over 60 s with a training job running, without,
//      with and again without its run page open (the cost of live updates
//      per page).
//   node bench/dashboard.mjs build/release/src/cli/trainyard
import { readFileSync } from "node:fs";
import { Harness, chartPoints, waitFor } from "../tests/browser/harness.mjs";

const t = new Harness(process.argv[2]);
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, in ticks of 10 ms
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  await t.startServer(["--workers", "1"]);
  await t.launchBrowser();

  // The page load itself: a fresh context (empty cache) whose renderer
  // process is already up (about:blank first: starting chromium's process
  // is not loading the page), timed by the page's own clock from navigation
  // start until the sign-in form is painted: the first paint after a
  // MutationObserver (installed before the page's own script) saw the form
  // enter the document. Asking the page from here instead (waitForFunction)
  // adds the load event and a DevTools round trip to every figure.
  const loads = [];
  const inDocument = [];
  let sizes = "";
  for (let i = 0; i < 7; ++i) {
    const page = await t.openPage("load");
    await page.goto("about:blank");
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector("#token")) return;
        observer.disconnect();
        window.__formAt = performance.now();
        // The frame that shows it: the next animation frame is painted
        // before the task that follows it runs.
        requestAnimationFrame(() => setTimeout(() => { window.__formShownAt = performance.now(); }));
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(t.base + "/");
    await page.waitForFunction(() => window.__formShownAt !== undefined, null, { polling: 50 });
    const at = await page.evaluate(() => [window.__formAt, window.__formShownAt]);
    inDocument.push(Math.round(at[0]));
    loads.push(Math.round(at[1]));
    sizes = await page.evaluate(() => {
      const all = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
      const bytes = all.reduce((n, e) => n + e.transferSize, 0);
      // When the last byte of every file had arrived: what the network and
      // the server took; the rest of the load is chromium parsing and
      // running the page.
      const received = Math.max(...all.map((e) => e.responseEnd));
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return `${all.length} requests, ${(bytes / 1024).toFixed(1)} KiB transferred, ` +
        `all bytes received at ${Math.round(received)} ms, ` +
        `first contentful paint ${fcp ? Math.round(fcp.startTime) : "?"} ms`;
    });
    await page.context().close();
  }
  loads.sort((a, b) => a - b);
  inDocument.sort((a, b) => a - b);
  console.log(`first load (empty cache) until the sign-in form is painted, median of 7: ${loads[3]} ms ` +
    `(min ${loads[0]}, max ${loads[6]}; in the document at ${inDocument[3]} ms); ${sizes}`);

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
} finally {
  await t.stop();
}
