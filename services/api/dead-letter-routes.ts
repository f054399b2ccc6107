// Dead letters: events the projection could not apply. Listed for review and retryable once the
// cause is fixed (the retry re-applies the stored payload through the projection's own write path,
// services/platform/dead-letter-retry.ts, so the api never imports projector code).
import { Router } from "express";
import type { Db } from "../platform/db.js";
import { retryDeadLetter, type DeadLetterRecord } from "../platform/dead-letter-retry.js";
import { notFound } from "../platform/problem.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";
import { deadLetterIdParams, deadLetterListQuery, deadLetterListSchema, deadLetterRetrySchema, emptyQuery } from "./schemas.js";

export interface DeadLetterRouterDeps {
  db: Db;
  projection?: { name: string };
  now?: () => Date;
}

export function deadLetterView(d: DeadLetterRecord) {
  return {
    id: d.id.toString(),
    kafka: { topic: d.topic, partition: d.partition, offset: d.offset.toString() },
    eventId: d.eventId,
    error: d.error,
    payload: d.payload,
    createdAt: d.createdAt.toISOString(),
    retriedAt: d.retriedAt?.toISOString() ?? null,
    resolvedAt: d.resolvedAt?.toISOString() ?? null,
  };
}

export function createDeadLetterRouter(deps: DeadLetterRouterDeps, routes: ApiRoutes): Router {
  const router = Router();
  const projection = deps.projection?.name ?? "main";
  const now = deps.now ?? (() => new Date());

  routes.add(
    router,
    {
      method: "get",
      path: "/dead-letters",
      tag: "projection",
      summary: "Events the projection could not apply (open, resolved or all), oldest first",
      query: deadLetterListQuery,
      responses: { 200: { description: "dead letters", schema: deadLetterListSchema }, 400: { description: "bad parameter" } },
    },
    async (req, res) => {
      const { state, limit } = parseInput(deadLetterListQuery, req.query, "query");
      const where = state === "open" ? { resolvedAt: null } : state === "resolved" ? { resolvedAt: { not: null } } : {};
      const rows = await deps.db.deadLetter.findMany({ where, orderBy: { id: "asc" }, take: limit });
      res.json({ items: rows.map(deadLetterView) });
    },
  );

  routes.add(
    router,
    {
      method: "post",
      path: "/dead-letters/:id/retry",
      tag: "projection",
      summary: "Re-apply a dead letter's stored event through the projection's write path",
      params: deadLetterIdParams,
      query: emptyQuery,
      responses: {
        200: { description: "the retry's outcome and the dead letter", schema: deadLetterRetrySchema },
        400: { description: "bad id" },
        404: { description: "unknown dead letter" },
      },
    },
    async (req, res) => {
      const { id } = parseInput(deadLetterIdParams, req.params, "path");
      const result = await retryDeadLetter(deps.db, BigInt(id), projection, now());
      if (result.outcome === "not-found") throw notFound(`dead letter ${id} is not known`);
      res.json({ outcome: result.outcome, deadLetter: deadLetterView(result.deadLetter) });
    },
  );

  return router;
}
