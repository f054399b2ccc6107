// The API client of the console: same origin, bearer token from localStorage, one token prompt for
// however many requests answered 401 at once.
const TOKEN_KEY = "optrail.apiToken";

export class ApiError extends Error {
  constructor(path, status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.path = path;
    this.status = status;
    this.title = problem?.title;
    this.detail = problem?.detail;
    // The framework's 404 for a route that does not exist ("no route for GET /stats") versus "unknown id".
    this.missingRoute = status === 404 && /^no route for /.test(problem?.detail ?? "");
  }
}

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function setToken(token) {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

let pendingPrompt = null;

/** Opens the token dialog; resolves true when a token was saved, false when cancelled. */
export function askForToken(reason) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  document.getElementById("token-reason").textContent = reason;
  input.value = getToken();
  dialog.returnValue = "";
  document.getElementById("token-cancel").onclick = () => dialog.close("cancel");
  pendingPrompt = new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        pendingPrompt = null;
        if (dialog.returnValue === "save" && input.value.trim()) {
          setToken(input.value.trim());
          window.dispatchEvent(new Event("optrail:token"));
          resolve(true);
        } else resolve(false);
      },
      { once: true },
    );
  });
  dialog.showModal();
  input.focus();
  return pendingPrompt;
}

/** Relative to the page, so the console also works behind a path prefix. */
export function apiUrl(path, query) {
  const url = new URL(path.replace(/^\//, ""), document.baseURI);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  return url;
}

export async function api(path, { method = "GET", query, body, retried = false } = {}) {
  const headers = { accept: "application/json" };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(apiUrl(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && !retried) {
    const reason = token
      ? "The API refused the stored token (401). Enter a valid one."
      : "The API answered 401 Unauthorized: it needs a bearer token.";
    if (await askForToken(reason)) return api(path, { method, query, body, retried: true });
  }
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) throw new ApiError(path.split("?")[0], res.status, parsed);
  return parsed;
}

/** The URL of an SSE stream; EventSource cannot send headers, so the token goes in the query. */
export function streamUrl(path) {
  return apiUrl(path, { access_token: getToken() || undefined }).toString();
}
