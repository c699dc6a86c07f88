// #/admin: what an administrator looks after — health of every component,
// the job queue as GET /metrics reports it, users and tokens, and the
// marketplace's review queue. Other users get the API's own refusal.
import { ApiError, get, getText, post } from "../api";
import { kv, Page, table } from "../common";
import { append, clear, errorBox, fmtTime, h, statusBadge } from "../dom";

// Samples of the Prometheus text whose name is `name` (labels as text).
function samples(text: string, name: string): [string, number][] {
  const out: [string, number][] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^([a-z_:]+)(\{[^}]*\})?\s+(\S+)/);
    if (m && m[1] === name) out.push([m[2] ?? "", Number(m[3])]);
  }
  return out;
}

function health(box: HTMLElement): void {
  get("/api/v1/health").then((hc) => {
    append(box, h("p", {}, "Overall: ", statusBadge(hc.status === "healthy" ? "completed" : "failed"), " ",
      hc.status, ` — version ${hc.version}, up ${hc.uptime}`));
    append(box, table(["Component", "State", "Detail"], Object.entries(hc.components).map(([k, v]) => [
      k, String(v), hc.details?.[k] ? JSON.stringify(hc.details[k]) : ""])));
  }).catch((e) => append(box, errorBox(e)));
}

function queue(box: HTMLElement): Promise<void> {
  return getText("/metrics").then((text) => {
    const byStatus: Record<string, number> = {};
    for (const [labels, v] of samples(text, "trainyard_jobs")) {
      const st = labels.match(/status="([^"]*)"/)?.[1] ?? "?";
      byStatus[st] = (byStatus[st] ?? 0) + v;
    }
    append(box, kv({
      queued: samples(text, "trainyard_job_queue_depth")[0]?.[1],
      oldest_queued_seconds: samples(text, "trainyard_job_queue_oldest_age_seconds")[0]?.[1],
      worker_threads_here: samples(text, "trainyard_job_workers")[0]?.[1],
      ...Object.fromEntries(Object.entries(byStatus).map(([k, v]) => ["jobs_" + k, v])),
    }), h("p", { class: "muted" }, "From GET /metrics (Prometheus text; scrape it with an admin token)."));
  });
}

// A form that issues a token for a user; the answer is the only time the
// token is shown, so it is printed with a copy hint and never stored here.
function issueForm(users: any[], onIssued: () => void): HTMLElement {
  const user = h("select", { name: "user_id", "aria-label": "user" },
    ...users.map((u) => h("option", { value: u.id }, `${u.name} (${u.tier}, ${u.role})`))) as HTMLSelectElement;
  const label = h("input", { name: "name", placeholder: "label, e.g. laptop", maxlength: 64,
    "aria-label": "token label" }) as HTMLInputElement;
  const out = h("div", { "aria-live": "polite" });
  return h("form", { id: "issue-token", class: "row", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(out);
    try {
      const t = await post("/api/admin/tokens", { user_id: user.value, name: label.value.trim() });
      append(out, h("p", {}, `Token for ${t.user_name} — copy it now, it is not shown again: `,
        h("code", { id: "issued-token" }, t.token)));
      label.value = "";
      onIssued();
    } catch (err) { append(out, errorBox(err)); }
  } }, user, label, h("button", { type: "submit" }, "Issue token"), out);
}

// A form that creates a user (POST /api/admin/users); its first token is
// then issued with the form below.
function createUserForm(onCreated: () => void): HTMLElement {
  const name = h("input", { name: "name", placeholder: "user name", maxlength: 64, required: true,
    "aria-label": "new user name" }) as HTMLInputElement;
  const tier = h("select", { name: "tier", "aria-label": "tier" },
    ...["FREE", "PRO", "ELITE"].map((t) => h("option", { value: t }, t))) as HTMLSelectElement;
  const role = h("select", { name: "role", "aria-label": "role" },
    ...["user", "admin"].map((r) => h("option", { value: r }, r))) as HTMLSelectElement;
  const credits = h("input", { name: "credits", type: "number", min: 0, step: "any", value: "0",
    "aria-label": "AI Studio credits" }) as HTMLInputElement;
  const out = h("div", { "aria-live": "polite" });
  return h("form", { id: "create-user", class: "row", onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(out);
    try {
      await post("/api/admin/users", { name: name.value.trim(), tier: tier.value, role: role.value,
        credits: Number(credits.value || 0) });
      onCreated();
    } catch (err) { append(out, errorBox(err)); }
  } }, name, tier, role, credits, h("button", { type: "submit" }, "Create user"), out);
}

function users(box: HTMLElement): Promise<void> {
  clear(box);
  const tokensBox = h("div", { id: "tokens" });
  const loadTokens = (): Promise<void> => get("/api/admin/tokens?page_size=500").then((t) => {
    clear(tokensBox);
    append(tokensBox, table(["Prefix", "User", "Name", "Created", "Last used", "Revoked"],
      t.results.map((x: any) => [h("code", {}, x.prefix), x.user_name || x.user_id, x.name || "–",
        fmtTime(x.created_at), fmtTime(x.last_used_at),
        x.revoked_at ? fmtTime(x.revoked_at) : h("button", { "data-token": x.id, onclick: async () => {
          if (!confirm(`Revoke ${x.prefix}… of ${x.user_name}? Requests signed with it are refused at once.`)) return;
          try { await post(`/api/admin/tokens/${encodeURIComponent(x.id)}/revoke`); loadTokens(); }
          catch (err) { append(tokensBox, errorBox(err)); }
        } }, "Revoke")]), [2, 4]));
    if (t.next) append(tokensBox, h("p", { class: "muted" }, `Showing the newest ${t.results.length} of ${t.count} tokens.`));
  });
  return get("/api/admin/users?page_size=500").then((u) => {
    append(box, table(["User", "Tier", "Role", "Credits", "Created"], u.results.map((x: any) => [
      x.name, x.tier, x.role, x.credits, fmtTime(x.created_at)])));
    if (u.next) append(box, h("p", { class: "muted" }, `Showing ${u.results.length} of ${u.count} users.`));
    append(box, createUserForm(() => { users(box).catch((e) => append(box, errorBox(e))); }),
      h("h3", {}, "Tokens"), issueForm(u.results, () => { loadTokens(); }), tokensBox,
      h("p", { class: "muted" }, "A new user signs in with a token issued here (shown once); " +
        "the server keeps only each token's hash."));
    return loadTokens();
  });
}

function reviewQueue(box: HTMLElement): void {
  clear(box);
  get("/api/ai-studio/admin/listings/?status=PENDING_REVIEW&page_size=50").then((list) => {
    if (!list.results.length) {
      append(box, h("p", { class: "empty" }, "Nothing to review: listings that sellers publish wait here."));
      return;
    }
    append(box, table(["Listing", "Seller", "Category", "Monthly (USD)", "Submitted", ""], list.results.map((l: any) => [
      h("span", { title: l.description }, l.title), l.seller?.username ?? l.seller_id, l.category, l.monthly_price,
      fmtTime(l.created_at),
      h("span", { class: "row" },
        h("button", { onclick: async () => {
          try { await post(`/api/ai-studio/admin/listings/${l.id}/approve/`, {}); reviewQueue(box); }
          catch (err) { append(box, errorBox(err)); }
        } }, "Approve"),
        h("button", { onclick: async () => {
          const reason = prompt("Why is it rejected? (the seller sees this)");
          if (!reason) return;
          try { await post(`/api/ai-studio/admin/listings/${l.id}/reject/`, { reason }); reviewQueue(box); }
          catch (err) { append(box, errorBox(err)); }
        } }, "Reject"))]), [2, 4]));
  }).catch((e) => append(box, errorBox(e)));
}

export const adminPage: Page = (root) => {
  const healthBox = h("div", { id: "health" });
  const queueBox = h("div", { id: "queue" });
  const usersBox = h("div", { id: "users" });
  const reviewBox = h("div", { id: "review" });
  append(root, h("h1", {}, "Admin"), h("h2", {}, "Health of every component"), healthBox,
    h("h2", {}, "Job queue"), queueBox, h("h2", {}, "Users and tokens"), usersBox,
    h("h2", {}, "Marketplace review queue"), reviewBox);
  health(healthBox);
  // The first admin-only call decides: a non-admin sees one explanation.
  queue(queueBox).then(() => {
    users(usersBox).catch((e) => append(usersBox, errorBox(e)));
    reviewQueue(reviewBox);
  }).catch((e) => {
    if (e instanceof ApiError && e.status === 403) {
      for (const b of [queueBox, usersBox, reviewBox]) clear(b);
      append(queueBox, h("p", { class: "empty" }, "These sections are for administrators; " +
        "your token is a user's. Health above is public."));
    } else {
      append(queueBox, errorBox(e));
    }
  });
};
