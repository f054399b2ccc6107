// The ingest HTTP app: Graph's webhook door. Handlers parse, call one function, map the result.
import express, { type Express, type Request, type RequestHandler } from "express";
import { createBaseApp, finishApp, type ReadinessCheck } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import type { Registry } from "../platform/metrics.js";
import { Counter } from "../platform/metrics.js";
import { HttpProblem } from "../platform/problem.js";
import type { Authenticator } from "./auth.js";
import { receiveActionResponse, receiveNotifications, type Accepted, type IngestRequest, type LifecycleNotice } from "./notifications.js";
import type { Publisher } from "./publisher.js";

export interface IngestAppDeps {
  logger: Logger;
  registry: Registry;
  publisher: Publisher;
  authenticator: Authenticator;
  bodyLimit: string;
  readiness: ReadinessCheck[];
  now?: () => Date;
}

export function createIngestApp(deps: IngestAppDeps): Express {
  const now = deps.now ?? (() => new Date());
  const app = createBaseApp({ logger: deps.logger, registry: deps.registry, readiness: deps.readiness });
  app.set("etag", false); // the 202 bodies are never revalidated: no hash of each one
  const accepted = new Counter({
    name: "optrail_ingest_events_total",
    help: "Events appended to Kafka, and items dead-lettered, by route",
    labelNames: ["route", "outcome"],
    registers: [deps.registry],
  });

  const json = express.json({ limit: deps.bodyLimit, type: () => true });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is("application/json")) {
      return next(
        new HttpProblem(
          415,
          "Unsupported Media Type",
          `expected Content-Type application/json, got ${req.headers["content-type"] ?? "none"}`,
        ),
      );
    }
    next();
  };
  const lifecycleSeen = new Counter({
    name: "optrail_ingest_lifecycle_notifications_total",
    help: "Subscription lifecycle notifications accepted, by lifecycle event",
    labelNames: ["event"],
    registers: [deps.registry],
  });
  const requestOf = (req: Request): IngestRequest => ({
    body: req.body,
    authorization: req.headers.authorization,
    receipt: { receivedAt: now().toISOString(), requestId: String(req.id) },
  });
  const counters = (route: string) => ({
    accepted: accepted.labels({ route, outcome: "accepted" }),
    deadLettered: accepted.labels({ route, outcome: "dead-lettered" }),
  });
  const byRoute = { notifications: counters("notifications"), "action-responses": counters("action-responses") };
  const count = (route: keyof typeof byRoute, result: Accepted): Accepted => {
    byRoute[route].accepted.inc(result.accepted);
    if (result.deadLettered > 0) byRoute[route].deadLettered.inc(result.deadLettered);
    return { accepted: result.accepted, deadLettered: result.deadLettered, eventIds: result.eventIds };
  };
  const report = (req: Request, lifecycle: LifecycleNotice[]) => {
    for (const notice of lifecycle) {
      lifecycleSeen.inc({ event: notice.lifecycleEvent });
      if (notice.lifecycleEvent === "missed") {
        req.log.warn({ lifecycle: notice }, "Graph missed notifications for a subscription: data may be gone, resync the resource");
      } else {
        req.log.info({ lifecycle: notice }, "subscription lifecycle notification");
      }
    }
  };

  // Subscription validation handshake (notificationUrl and lifecycleNotificationUrl alike): echo the
  // URL-decoded token as text/plain, before anything else.
  const handshake: RequestHandler = (req, res, next) => {
    const token = req.query.validationToken;
    if (typeof token !== "string") return next();
    res.status(200).type("text/plain").set("x-content-type-options", "nosniff").send(token);
  };

  app.post("/graph/notifications", handshake, requireJson, json, async (req, res) => {
    const result = await receiveNotifications(requestOf(req), deps);
    report(req, result.lifecycle);
    res.status(202).json(count("notifications", result));
  });

  app.post("/graph/action-responses", requireJson, json, async (req, res) => {
    res.status(202).json(count("action-responses", await receiveActionResponse(requestOf(req), deps)));
  });

  return finishApp(app);
}
