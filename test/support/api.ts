// The read API on a real Postgres, for integration tests: started on port 0 with response validation on.
import { createApiApp } from "../../services/api/app.js";
import type { ApiRoutes } from "../../services/api/routes.js";
import { Streams } from "../../services/api/stream-routes.js";
import type { Db } from "../../services/platform/db.js";
import { listen, type RunningServer } from "../../services/platform/http.js";
import { createLogger } from "../../services/platform/logger.js";
import { createRegistry } from "../../services/platform/metrics.js";
import type { Express } from "express";
import { EVENT_VERSION, type OptrailEvent } from "../../services/core/index.js";
import { applyBatch } from "../../services/projector/writer.js";

export interface TestApi {
  url: string;
  app: Express;
  routes: ApiRoutes;
  server: RunningServer;
  close: () => Promise<void>;
}

export async function startTestApi(
  db: Db,
  options: { tokens?: string[]; pollIntervalMs?: number; keepAliveMs?: number } = {},
): Promise<TestApi> {
  const streams = new Streams();
  const app = createApiApp({
    db,
    logger: createLogger({ level: "silent", name: "api-test" }),
    registry: createRegistry("api-test", false),
    readiness: [],
    tokens: options.tokens ?? [],
    streams,
    stream: { pollIntervalMs: options.pollIntervalMs ?? 50, keepAliveMs: options.keepAliveMs ?? 15_000 },
    validateResponses: true,
  });
  const server = await listen(app, 0, "127.0.0.1");
  return {
    url: server.url,
    app,
    routes: app.locals.routes as ApiRoutes,
    server,
    close: async () => {
      await streams.closeAll();
      await server.close();
    },
  };
}

let offsets = 0;

/** Projects events through the real writer (one batch on a test partition). */
export async function project(db: Db, events: OptrailEvent[], partition = 0): Promise<void> {
  const messages = events.map((e) => ({ topic: "api-test", partition, offset: String(offsets++), value: Buffer.from(JSON.stringify(e)) }));
  await applyBatch(db, { projection: "main", topic: "api-test", partition, messages, now: new Date() });
}

export function resetOffsets() {
  offsets = 0;
}

export function callEvent(callId: string, at: string, eventId: string): OptrailEvent {
  return {
    type: "CallResourceObserved",
    v: EVENT_VERSION,
    meta: { eventId, receivedAt: at, requestId: `req-${eventId}`, source: "notification", authenticated: true },
    data: { callId, resourceType: "call", changeType: "updated", resource: { state: "established" } },
  };
}
