// Shared HTTP plumbing: request ids, access logs, metrics, health endpoints, listen and close.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import { redactUrl, type Logger } from "./logger.js";
import { createHttpMetrics, type Registry } from "./metrics.js";
import { notFoundHandler, problemHandler } from "./problem.js";

export interface ReadinessCheck {
  name: string;
  check: () => Promise<{ ok: boolean; detail?: unknown }>;
}

export interface BaseAppOptions {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
}

const REQUEST_ID_HEADER = "x-request-id";
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Creates an Express app with the middleware every optrail service shares. */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const httpMetrics = createHttpMetrics(options.registry);

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const given = req.headers[REQUEST_ID_HEADER];
        const id = typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      // Stream clients may pass the API token in the query (EventSource cannot set headers).
      serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url === undefined ? undefined : redactUrl(req.url) }) },
      autoLogging: { ignore: (req) => req.url === "/metrics" || req.url === "/healthz" },
    }),
  );

  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
      const labels = { method: req.method, route, status: String(res.statusCode) };
      httpMetrics.requests.inc(labels);
      httpMetrics.duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  });

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
