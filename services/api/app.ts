// The read API: the shared base app, open documentation, the token check, then one router per area.
import type { Express } from "express";
import type { Kafka } from "kafkajs";
import type { Db } from "../platform/db.js";
import { createBaseApp, finishApp, type ReadinessCheck } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import type { Registry } from "../platform/metrics.js";
import { alertRoutes } from "./alert-routes.js";
import { requireToken } from "./auth.js";
import { createDashboardRouter } from "./dashboard-routes.js";
import { createDeadLetterRouter } from "./dead-letter-routes.js";
import { callRoutes } from "./call-routes.js";
import { lifecycleRoutes } from "./lifecycle-routes.js";
import { openApiRoutes } from "./openapi.js";
import { operationRoutes } from "./operation-routes.js";
import { createProjectionRouter } from "./projection-routes.js";
import { ApiRoutes } from "./routes.js";
import { statsRoutes } from "./stats-routes.js";
import { Streams, streamRoutes, type StreamOptions } from "./stream-routes.js";

export interface ApiAppDeps {
  db: Db;
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
  /** API_TOKENS; empty = no token required (refused in production by main.ts). */
  tokens?: string[];
  streams?: Streams;
  stream?: StreamOptions;
  /** Tests: check every JSON response against its declared schema (see ApiRoutes.violations). */
  validateResponses?: boolean;
  now?: () => Date;
  /** The projection the api reports on (status, dead-letter retry); optional for tests. */
  projection?: { kafka: Kafka; topic: string; name: string };
}

export function createApiApp(deps: ApiAppDeps): Express {
  const app = createBaseApp({ logger: deps.logger, registry: deps.registry, readiness: deps.readiness });
  const routes = new ApiRoutes(deps.validateResponses);
  app.locals.routes = routes;
  for (const [path, summary] of [
    ["/healthz", "Liveness"],
    ["/readyz", "Readiness (database, Kafka)"],
    ["/metrics", "Prometheus metrics"],
    ["/", "Operator console (HTML page; assets under /dashboard/)"],
    ["/index.html", "Operator console (HTML page)"],
  ] as const) {
    routes.describe({ method: "get", path, summary, tag: "meta", open: true, responses: { 200: { description: summary } } });
  }
  const streams = deps.streams ?? new Streams();
  const stream = deps.stream ?? { pollIntervalMs: 1000, keepAliveMs: 15_000 };

  // Open routers (docs, static dashboard assets) go above the token check; the rest below it, one line each.
  app.use(openApiRoutes(routes));
  app.use(createDashboardRouter());
  app.use(requireToken(deps.tokens ?? []));
  app.use(streamRoutes(deps.db, routes, streams, stream, deps.logger));
  app.use(operationRoutes(deps.db, routes));
  app.use(callRoutes(deps.db, routes));
  app.use(alertRoutes(deps.db, routes, deps.now));
  app.use(statsRoutes(deps.db, routes, deps.now));
  app.use(createDeadLetterRouter(deps, routes));
  app.use(createProjectionRouter(deps, routes));
  app.use(lifecycleRoutes(deps, routes));

  return finishApp(app);
}
