// The CLI's HTTP client of the optrail API: base URL and token from the environment, every failure
// turned into a CliError with the matching exit code and a sentence a person can act on.
import { CliError, EXIT } from "./errors.js";

export interface ApiSettings {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
}

export function apiSettings(env: NodeJS.ProcessEnv): ApiSettings {
  return {
    baseUrl: (env.OPTRAIL_API_URL || "http://127.0.0.1:3000").replace(/\/+$/, ""),
    token: env.OPTRAIL_API_TOKEN || undefined,
    timeoutMs: Number(env.OPTRAIL_API_TIMEOUT_MS) || 10_000,
  };
}

interface Problem {
  title?: string;
  detail?: string;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export class ApiClient {
  constructor(readonly settings: ApiSettings) {}

  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(`${this.settings.baseUrl}/${path.replace(/^\//, "")}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") url.searchParams.set(k, v);
    return url;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: "application/json", ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}), ...extra };
  }

  async request<T>(method: string, path: string, options: { query?: Record<string, string | undefined>; body?: unknown } = {}): Promise<T> {
    const url = this.url(path, options.query);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: this.headers(options.body === undefined ? {} : { "content-type": "application/json" }),
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (err) {
      throw unreachable(this.settings.baseUrl, err);
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) throw httpError(method, url, res.status, (body ?? {}) as Problem);
    return body as T;
  }
}

export function unreachable(baseUrl: string, err: unknown): CliError {
  const why = (err as Error)?.name === "TimeoutError" ? "no answer in time" : causeOf(err);
  return new CliError(EXIT.unavailable, `cannot reach the optrail API at ${baseUrl} (${why}); set OPTRAIL_API_URL to where it runs`);
}

export function httpError(method: string, url: URL, status: number, problem: Problem): CliError {
  const detail = problem.detail ?? problem.title ?? "";
  if (status === 404 && /^no route for /.test(detail)) {
    return new CliError(EXIT.unavailable, `the API at ${url.origin} has no ${method} ${url.pathname} endpoint (an older optrail?)`);
  }
  if (status === 404) return new CliError(EXIT.notFound, detail || `not found: ${url.pathname}`);
  if (status === 401 || status === 403) {
    return new CliError(
      EXIT.unavailable,
      `the API refused the request (${status}${detail ? `: ${detail}` : ""}); set OPTRAIL_API_TOKEN to a valid token`,
    );
  }
  return new CliError(EXIT.unavailable, `the API answered ${status} to ${method} ${url.pathname}${detail ? `: ${detail}` : ""}`);
}
