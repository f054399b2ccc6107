// Shared HTTP plumbing: request ids, access logs, metrics, health endpoints, listen and close.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type Request, type RequestHandler } from "express";
import { pino } from "pino";
import { redactUrl, type Logger } from "./logger.js";
import { createHttpMetrics, type HttpMetrics, type Registry } from "./metrics.js";
import { notFoundHandler, problemHandler } from "./problem.js";

export interface ReadinessCheck {
  name: string;
  check: () => Promise<{ ok: boolean; detail?: unknown }>;
}

export interface BaseAppOptions {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
  /** Successful requests slower than this are logged at info (default SLOW_REQUEST_MS). */
  slowRequestMs?: number;
}

declare module "http" {
  interface IncomingMessage {
    /** The request id (x-request-id): the client's if it is safe, a fresh UUID otherwise. */
    id: string;
    /** A logger bound to this request (its method, url, headers with secrets redacted, id). */
    log: Logger;
  }
}

const REQUEST_ID_HEADER = "x-request-id";
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** 2xx/3xx requests answered faster than this are logged at debug only; slower ones at info. */
export const SLOW_REQUEST_MS = 1000;

const REQUEST_LOG = Symbol("optrail.requestLog");
type WithRequestLog = { [REQUEST_LOG]?: Logger };

/** Per request: the request id, the access log line and the HTTP metrics. */
function observeRequests(app: Express, logger: Logger, metrics: HttpMetrics, slowMs: number): void {
  const std = pino.stdSerializers;
  // Stream clients may pass the API token in the query (EventSource cannot set headers).
  const reqSerializer = std.wrapRequestSerializer((req) => ({ ...req, url: req.url === undefined ? undefined : redactUrl(req.url) }));
  const base = logger.child({}, { serializers: { req: reqSerializer, res: std.res, err: std.err } });
  // req.log is built on first use (a getter on this app's request prototype): binding the request
  // serializes and redacts it, headers included, which most requests never need (their access line is
  // below the log level).
  Object.defineProperty(app.request, "log", {
    configurable: true,
    get(this: Request & WithRequestLog) {
      return (this[REQUEST_LOG] ??= base.child({ req: this }));
    },
    set(this: Request & WithRequestLog, value: Logger) {
      this[REQUEST_LOG] = value;
    },
  });
  // One labelled child per (method, route, status): prom-client otherwise hashes the label set twice per request.
  const children = new Map<string, { requests: { inc: () => void }; duration: { observe: (v: number) => void } }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = { requests: metrics.requests.labels(labels), duration: metrics.duration.labels(labels) };
      children.set(key, child);
    }
    child.requests.inc();
    child.duration.observe(seconds);
  };
  app.use((req, res, next) => {
    const start = performance.now();
    const given = req.headers[REQUEST_ID_HEADER];
    const id = typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    const quiet = req.url === "/metrics" || req.url === "/healthz";
    // 'close' comes once per response: after 'finish', or alone when the client went away first.
    res.on("close", () => {
      const ms = performance.now() - start;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      observe(req.method, route, res.statusCode, ms / 1000);
      if (quiet) return;
      const failed = res.statusCode >= 500;
      const level = failed ? "error" : res.statusCode >= 400 ? "warn" : ms >= slowMs ? "info" : "debug";
      if (!logger.isLevelEnabled(level)) return;
      const responseTime = Math.round(ms);
      if (failed) {
        req.log[level]({ res, err: new Error(`failed with status code ${res.statusCode}`), responseTime }, "request errored");
      } else {
        req.log[level]({ res, responseTime }, ms >= slowMs ? "slow request" : "request completed");
      }
    });
    next();
  });
}

/** Creates an Express app with the middleware every optrail service shares. */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);

  observeRequests(app, options.logger, createHttpMetrics(options.registry), options.slowRequestMs ?? SLOW_REQUEST_MS);
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", readinessHandler(options.readiness));
  app.get("/metrics", async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  return app;
}

function readinessHandler(checks: ReadinessCheck[]): RequestHandler {
  return async (_req, res) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          const r = await withTimeout(c.check(), 2000);
          return [c.name, r] as const;
        } catch (err) {
          return [c.name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "not ready", checks: Object.fromEntries(results) });
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Adds the 404 and error handlers; call after the service's own routes. */
export function finishApp(app: Express): Express {
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}

export interface RunningServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

export function listen(app: Express, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const address = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
    server.keepAliveTimeout = 65_000;
  });
}
