// GET /projection/status: how far the projection is behind the topic, per partition and in total.
import type { Kafka } from "kafkajs";
import { Router } from "express";
import type { Db } from "../platform/db.js";
import { serviceUnavailable } from "../platform/problem.js";
import { measureLag } from "../platform/projection-lag.js";
import type { ApiRoutes } from "./routes.js";
import { emptyQuery, projectionStatusSchema } from "./schemas.js";

export interface ProjectionRouterDeps {
  db: Db;
  projection?: { kafka: Kafka; topic: string; name: string };
}

export function createProjectionRouter(deps: ProjectionRouterDeps, routes: ApiRoutes): Router {
  const router = Router();
  routes.add(
    router,
    {
      method: "get",
      path: "/projection/status",
      tag: "projection",
      summary: "Projection lag per partition (events and seconds) and in total",
      query: emptyQuery,
      responses: {
        200: { description: "lag", schema: projectionStatusSchema },
        503: { description: "Kafka unreachable or not configured" },
      },
    },
    async (_req, res) => {
      if (!deps.projection) throw serviceUnavailable("projection status is not configured");
      // A short-lived admin connection per request: the status is polled rarely, and nothing stays open.
      const admin = deps.projection.kafka.admin();
      try {
        await admin.connect();
        res.json(await measureLag(deps.db, admin, deps.projection.name, deps.projection.topic, new Date()));
      } catch (err) {
        throw serviceUnavailable(`cannot measure the projection lag: ${(err as Error).message}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  );
  return router;
}
