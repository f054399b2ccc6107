// The ingest HTTP app: Graph's webhook door. Handlers parse, call one function, map the result.
import express, { type Express, type Request, type RequestHandler } from "express";
import type { Receipt } from "../core/index.js";
import { createBaseApp, finishApp, type ReadinessCheck } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import type { Registry } from "../platform/metrics.js";
import { Counter } from "../platform/metrics.js";
import { HttpProblem } from "../platform/problem.js";
import type { Authenticator } from "./auth.js";
import { ingestActionResponse, ingestNotifications, type Accepted } from "./notifications.js";
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
  const receiptOf = (req: Request, authenticated: boolean): Receipt => ({
    receivedAt: now().toISOString(),
    requestId: String(req.id),
    authenticated,
  });
  const respond = (route: string, result: Accepted) => {
    accepted.inc({ route, outcome: "accepted" }, result.accepted);
    if (result.deadLettered > 0) accepted.inc({ route, outcome: "dead-lettered" }, result.deadLettered);
    return result;
  };

  // Subscription validation handshake: echo the token as text/plain, before anything else.
  const handshake: RequestHandler = (req, res, next) => {
    const token = req.query.validationToken;
    if (typeof token !== "string") return next();
    res.status(200).type("text/plain").send(token);
  };

  app.post("/graph/notifications", handshake, requireJson, json, async (req, res) => {
    const auth = await deps.authenticator.authenticate(req);
    const result = await ingestNotifications(req.body, receiptOf(req, auth.authenticated), deps.publisher);
    res.status(202).json(respond("notifications", result));
  });

  app.post("/graph/action-responses", requireJson, json, async (req, res) => {
    const auth = await deps.authenticator.authenticate(req);
    const result = await ingestActionResponse(req.body, receiptOf(req, auth.authenticated), deps.publisher);
    res.status(202).json(respond("action-responses", result));
  });

  return finishApp(app);
}
