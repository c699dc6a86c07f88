// The dashboard's only way to the server: the public API, with the user's
// bearer token from sessionStorage in the Authorization header (no cookies,
// so no CSRF), and the standard error body turned into an ApiError.

const TOKEN_KEY = "trainyard.token";

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}
export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

// What the last answer said about the caller's request budget, so live
// views can poll slower when it runs low (FREE tokens have 100/hour).
export const budget = { remaining: Infinity, resetAt: 0 };

async function send(method: string, path: string, body?: unknown,
                    redirectOn401 = true): Promise<Response> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  const remaining = res.headers.get("X-RateLimit-Remaining");
  const reset = res.headers.get("X-RateLimit-Reset");
  if (remaining !== null) budget.remaining = Number(remaining);
  if (reset !== null) budget.resetAt = Number(reset) * 1000;
  if (res.status === 401 && t && redirectOn401) {
    // Revoked or expired: back to the sign-in page, then here again.
    signOut();
    sessionStorage.setItem("trainyard.after", location.hash);
    location.hash = "#/signin";
  }
  if (!res.ok) {
    let code = "HTTP_" + res.status;
    let message = res.statusText || "request failed";
    try {
      const err = (await res.json()).error;
      if (err) {
        code = err.code;
        message = err.message;
      }
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, code, message);
  }
  return res;
}

// Whether `candidate` is a token the server accepts (the sign-in form).
export async function tokenWorks(candidate: string): Promise<boolean> {
  setToken(candidate);
  try {
    await send("GET", "/api/jobs?page_size=1", undefined, false);
    return true;
  } catch (err) {
    signOut();
    if (err instanceof ApiError && err.status === 401) return false;
    throw err;
  }
}

export async function get<T = any>(path: string): Promise<T> {
  return (await send("GET", path)).json();
}
// A text answer (GET /metrics, the Prometheus exposition).
export async function getText(path: string): Promise<string> {
  return (await send("GET", path)).text();
}
export async function post<T = any>(path: string, body?: unknown): Promise<T> {
  return (await send("POST", path, body)).json();
}
// An image or file the API serves only with the token: as an object URL.
export async function blobUrl(path: string): Promise<string> {
  return URL.createObjectURL(await (await send("GET", path)).blob());
}

// Milliseconds until the next poll: at least `base`, and slow enough to
// spend at most a third of what is left of the hour's budget.
export function pollDelay(base: number): number {
  if (!isFinite(budget.remaining)) return base;
  const left = Math.max(1000, budget.resetAt - Date.now());
  const share = left / Math.max(1, budget.remaining / 3);
  return Math.min(Math.max(base, share), 60_000);
}
