// The dashboard in a real browser (Debian's headless chromium, driven by
// playwright-core): the harness starts `trainyard serve` on loopback with a
// fresh data directory, creates users with the CLI, starts jobs through the
// public API, and checks what each user sees. Any console error, CSP
// violation or failed request fails the test, except the refusals a step
// expects. Screenshots of every page go to $ARTIFACTS (default ./artifacts).
//   node dashboard.test.mjs <trainyard binary>
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { Harness, chartPoints, waitFor } from "./harness.mjs";

const artifacts = process.env.ARTIFACTS ?? join(process.cwd(), "artifacts");
mkdirSync(artifacts, { recursive: true });
const t = new Harness(process.argv[2]);
t.checkResponses = true;
const started = Date.now();
const step = (name) => console.log(`--- ${((Date.now() - started) / 1000).toFixed(0)} s: ${name}`);
// The visible part of the page: a full-page capture of a long page (the API
// reference is ~40,000 px tall) costs chromium seconds of CPU, minutes on a
// loaded CI machine.
const shot = (page, name) =>
  page.screenshot({ path: join(artifacts, name + ".png"), animations: "disabled" });

try {
  step("start the server and create users");
  await t.startServer();
  const alice = t.newUser("alice");
  const bob = t.newUser("bob");

  step("jobs: an admin's slow counting job and alice's gym training");
  const counter = await t.api(t.admin, "POST", "/api/jobs",
    // Runs until it is cancelled, once its curve has been seen to grow (its
    // 1,000,000 units would take 42 h): however slowly the browser starts on
    // a loaded machine, the job is still running when the page looks.
    { type: "test.count", params: { units: 1000000, sleep_ms: 150 } });
  const gym = await t.api(alice, "POST", "/api/v1/training", {
    name: "browser-test", model_type: "ppo", total_episodes: 3, seed: 3,
    parameters: { buffer_size: 32, batch_size: 32 } });
  await t.launchBrowser();

  step("sign-in refuses a wrong token");
  const adminPage = await t.openPage("admin");
  await adminPage.goto(t.base + "/");
  adminPage.expected = ["/api/jobs?page_size=1"];
  await adminPage.fill("#token", "ty_" + "0".repeat(64));
  await adminPage.click("button[type=submit]");
  await adminPage.waitForSelector(".error");
  adminPage.expected = [];

  step("the admin sees both jobs and a live curve");
  await t.signIn(adminPage, t.admin);
  await adminPage.waitForSelector(`tr[data-job="${counter.id}"]`);
  await adminPage.waitForSelector(`tr[data-job="${gym.task_id}"]`);
  await shot(adminPage, "jobs");
  await adminPage.goto(`${t.base}/#/runs/${counter.id}`);
  await adminPage.waitForSelector(`.plot[data-metric="episode_return_mean"] canvas`);
  const first = await waitFor(() => chartPoints(adminPage, "episode_return_mean"), "curve points");
  const later = await waitFor(async () => {
    const n = await chartPoints(adminPage, "episode_return_mean");
    return n > first ? n : 0;
  }, "the curve to grow while the job runs");
  console.log(`curve grew from ${first} to ${later} points while the job ran`);
  await shot(adminPage, "run-live");
  await t.api(t.admin, "POST", `/api/jobs/${counter.id}/cancel`);

  step("alice sees her gym run's curves once it has trained");
  const alicePage = await t.openPage("alice");
  await t.signIn(alicePage, alice);
  await alicePage.waitForSelector(`tr[data-job="${gym.task_id}"]`);
  assert.equal(await alicePage.$(`tr[data-job="${counter.id}"]`), null,
    "alice must not see the admin's job");
  await waitFor(async () =>
    (await t.api(alice, "GET", `/api/jobs/${gym.task_id}`)).status === "completed", "the gym training");
  await alicePage.goto(`${t.base}/#/runs/${gym.task_id}`);
  await alicePage.waitForSelector(`.plot[data-metric="sps"] canvas`);
  await waitFor(() => chartPoints(alicePage, "sps"), "sps points");
  await shot(alicePage, "run-gym");

  step("bob sees none of it");
  const bobPage = await t.openPage("bob");
  await t.signIn(bobPage, bob);
  await bobPage.waitForSelector(".empty");
  assert.equal(await bobPage.$(`tr[data-job="${gym.task_id}"]`), null);
  bobPage.expected = [`/api/jobs/${gym.task_id}`];
  await bobPage.goto(`${t.base}/#/runs/${gym.task_id}`);
  await bobPage.waitForSelector(".error");
  assert.match(await bobPage.textContent(".error"), /not found/);
  assert.equal(await bobPage.$("canvas"), null, "bob must not get a chart");
  await shot(bobPage, "run-other-user");

  step("alice trains an ILP model from the dashboard's form");
  await alicePage.goto(`${t.base}/#/ilp`);
  await alicePage.click("summary:text('Train a model')");
  await alicePage.fill("#ilp-train input[name=name]", "from_browser");
  await alicePage.fill("#ilp-train input[name=max_steps]", "20");
  await alicePage.fill("#ilp-train input[name=n_episodes]", "2");
  await alicePage.click("#ilp-train button[type=submit]");
  const runLink = await alicePage.waitForSelector("#ilp-train a[href^='#/runs/']");
  const ilpJob = (await runLink.getAttribute("href")).slice("#/runs/".length);
  await waitFor(async () =>
    (await t.api(alice, "GET", `/api/jobs/${ilpJob}`)).status === "completed", "the ILP training");
  await alicePage.goto(`${t.base}/#/ilp`);
  await alicePage.waitForSelector("#ilp-models table");
  await shot(alicePage, "ilp-trained");
  // Its curve: a point per logged update, as for every RL run (this run's
  // 40 steps are one PPO rollout, so one point).
  await alicePage.goto(`${t.base}/#/runs/${ilpJob}`);
  await alicePage.waitForSelector(`.plot[data-metric="sps"] canvas`);
  await waitFor(() => chartPoints(alicePage, "sps"), "the ILP run's curve");

  step("alice's models page lists her models of every product, bob's none");
  await alicePage.goto(`${t.base}/#/models`);
  await alicePage.waitForSelector(`tr[data-model="${gym.task_id}"]`);
  assert.match(await alicePage.textContent("#main table"), /from_browser/);
  await shot(alicePage, "models");
  await alicePage.goto(`${t.base}/#/models/${gym.task_id}`);
  await alicePage.waitForSelector(`#versions a[href="#/runs/${gym.task_id}"]`);
  await shot(alicePage, "model-versions");
  await bobPage.goto(`${t.base}/#/models`);
  await bobPage.waitForSelector("#main .empty");
  assert.equal(await bobPage.$(`tr[data-model="${gym.task_id}"]`), null);

  step("alice's admin page says it is for administrators");
  alicePage.expected = ["/metrics"];
  await alicePage.goto(`${t.base}/#/admin`);
  await alicePage.waitForSelector("#queue .empty");
  alicePage.expected = [];

  step("the admin's page lists users, tokens and the health of every component");
  await adminPage.goto(`${t.base}/#/admin`);
  await adminPage.waitForSelector("#users table");
  assert.match(await adminPage.textContent("#users"), /alice/);
  await adminPage.waitForSelector("#health table");
  await shot(adminPage, "admin");

  step("the admin creates a user from the page");
  await adminPage.fill("#create-user input[name=name]", "carol");
  await adminPage.selectOption("#create-user select[name=tier]", "PRO");
  await adminPage.click("#create-user button[type=submit]");
  await adminPage.waitForSelector("#users td:text-is('carol')");
  const carol = (await t.api(t.admin, "GET", "/api/admin/users?page_size=500"))
    .results.find((u) => u.name === "carol");
  assert.equal(carol?.tier, "PRO");

  step("the admin issues bob a token from the page, and revokes it");
  const bobId = (await t.api(t.admin, "GET", "/api/admin/users?page_size=500"))
    .results.find((u) => u.name === "bob").id;
  await adminPage.selectOption("#issue-token select", bobId);
  await adminPage.fill("#issue-token input[name=name]", "from-browser");
  await adminPage.click("#issue-token button[type=submit]");
  const issued = (await (await adminPage.waitForSelector("#issued-token")).textContent()).trim();
  assert.equal((await t.api(issued, "GET", "/api/jobs")).count, 0);
  const issuedId = (await t.api(t.admin, "GET", "/api/admin/tokens?page_size=500"))
    .results.find((x) => issued.startsWith(x.prefix) && x.name === "from-browser").id;
  adminPage.once("dialog", (d) => d.accept());
  await adminPage.click(`button[data-token="${issuedId}"]`);
  await adminPage.waitForSelector(`button[data-token="${issuedId}"]`, { state: "detached" });
  await assert.rejects(t.api(issued, "GET", "/api/jobs"), /401/);

  step("the credits tab shows the caller's ledger");
  await adminPage.goto(`${t.base}/#/studio/credits`);
  await adminPage.waitForSelector("#ledger table, #ledger .empty");

  step("every page opens without errors, also 390 px wide");
  for (const name of ["models", "ilp", "studio", "studio/jobs", "studio/marketplace", "studio/credits",
    "studio/webhooks", "gym", "api"]) {
    await adminPage.goto(`${t.base}/#/${name}`);
    await adminPage.waitForSelector("main h1");
    if (name === "api") {  // an operation's schemas open from its summary
      await adminPage.click("details summary");
      await adminPage.waitForSelector("details[open] pre.schema");
    }
    await adminPage.waitForLoadState("networkidle");
    await shot(adminPage, name.replace("/", "-"));
  }
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await adminPage.goto(`${t.base}/#/jobs`);
  await adminPage.waitForSelector(`tr[data-job="${counter.id}"]`);
  await shot(adminPage, "jobs-390px");

  const problems = [...adminPage.problems, ...alicePage.problems, ...bobPage.problems];
  assert.deepEqual(problems, [], "console errors or failed requests");
  console.log("browser test passed; screenshots in " + artifacts);
} finally {
  await t.stop();
}
