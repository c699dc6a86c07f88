// What the browser tests and bench/dashboard.mjs share: a trainyard server
// on loopback with a fresh data directory (stopped by its PID), users made
// with the CLI, API calls, and headless chromium through playwright-core.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export class Harness {
  constructor(binary) {
    if (!binary) throw new Error("usage: node <script> <trainyard binary>");
    this.binary = binary;
    this.home = mkdtempSync(join(tmpdir(), "trainyard-browser-"));
    this.server = null;
    this.browser = null;
    this.checkResponses = false;  // the tests set it (see startServer)
  }

  // Starts the server; sets this.base (URL) and this.admin (bootstrap token).
  startServer(extraArgs = []) {
    return new Promise((resolve, reject) => {
      // A flag given twice is refused, so extraArgs replace the default workers.
      const workers = extraArgs.includes("--workers") ? [] : ["--workers", "2"];
      this.server = spawn(this.binary, ["serve", "--home", this.home, "--bind", "127.0.0.1",
        "--port", "0", ...workers, "--enable-test-jobs", "--log-level", "warn", ...extraArgs],
      { stdio: ["ignore", "pipe", "inherit"],
        // Every success answer is checked against its route's declared
        // response (a mismatch is a 500, a failed request in the tests);
        // the benchmark leaves the check off.
        // One torch thread per training job: the tests' jobs are tiny, and
        // on a loaded 2-core machine more threads only thrash.
        env: { ...process.env, TRAINYARD_TORCH_THREADS: "1",
          ...(this.checkResponses ? { TRAINYARD_CHECK_RESPONSES: "1" } : {}) } });
      let out = "";
      let token = null;
      const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 60_000);
      this.server.stdout.on("data", (d) => {
        out += d;
        token ??= out.match(/\n\s+(ty_[0-9a-f]{64})\n/)?.[1] ?? null;
        const m = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m && token) {
          clearTimeout(timer);
          this.base = m[1];
          this.admin = token;
          resolve(this);
        }
      });
      this.server.on("exit", (code) => reject(new Error("server exited with " + code + ": " + out)));
    });
  }

  // A user with a PRO token (the CLI writes the shared database directly).
  newUser(name) {
    return execFileSync(this.binary, ["token", "create", "--home", this.home, "--user", name,
      "--tier", "PRO"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  }

  async api(token, method, path, body) {
    const res = await fetch(this.base + path, { method, headers: {
      Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async launchBrowser() {
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
      // Nothing in the background competes with the pages on a busy machine.
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-extensions", "--disable-background-networking", "--disable-component-update",
        "--disable-default-apps", "--disable-sync", "--no-first-run", "--mute-audio",
        "--disable-features=Translate,MediaRouter,OptimizationHints"] });
    return this.browser;
  }

  // A page in a fresh context (its own sessionStorage) that records every
  // console error and failed request in page.problems; page.expected lists
  // URL fragments of refusals the current step expects.
  async openPage(name, viewport = { width: 1280, height: 900 }) {
    const context = await this.browser.newContext({ viewport });
    // How long a step may wait before it gives up (not a figure the test
    // checks): Playwright's 30 s is too short for chromium's first page on
    // a CI machine that is also compiling.
    context.setDefaultTimeout(120_000);
    const page = await context.newPage();
    page.problems = [];
    page.expected = [];
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      // Chromium also logs an HTTP error answer; the response handler judges those.
      if (m.text().startsWith("Failed to load resource")) return;
      page.problems.push(`${name} console: ${m.text()}`);
    });
    page.on("pageerror", (e) => page.problems.push(`${name} page error: ${e.message}`));
    page.on("requestfailed", (r) => page.problems.push(`${name} request failed: ${r.url()}`));
    page.on("response", (r) => {
      if (r.status() >= 400 && !page.expected.some((e) => r.url().includes(e))) {
        page.problems.push(`${name} ${r.status()} ${r.url()}`);
      }
    });
    return page;
  }

  async signIn(page, token) {
    await page.goto(this.base + "/#/jobs");
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    await page.waitForSelector("h1:text('Jobs')");
  }

  // Closes the browser, stops the server by its PID and removes the data.
  async stop() {
    if (this.browser) await this.browser.close();
    if (this.server && this.server.exitCode === null) {
      const exited = new Promise((r) => this.server.once("exit", r));
      process.kill(this.server.pid, "SIGTERM");
      await exited;
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}

export async function waitFor(fn, what, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("gave up waiting for " + what);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// How many points the chart of `metric` holds (its data-points attribute).
export async function chartPoints(page, metric) {
  return page.$eval(`.plot[data-metric="${metric}"]`, (el) => Number(el.dataset.points ?? 0))
    .catch(() => 0);
}
