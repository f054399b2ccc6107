// Dead letters: events the projection could not apply. Listed for review and retryable once the
// cause is fixed (the retry re-applies the stored payload through the projection's own write path,
// services/platform/dead-letter-retry.ts, so the api never imports projector code).
import { Router } from "express";
import { z } from "zod";
import type { Db } from "../platform/db.js";
import { retryDeadLetter, type DeadLetterRecord } from "../platform/dead-letter-retry.js";
import { badRequest, notFound } from "../platform/problem.js";

export interface DeadLetterRouterDeps {
  db: Db;
  projection?: { name: string };
  now?: () => Date;
}

const listQuery = z.object({
  state: z.enum(["open", "resolved", "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParam = z.string().regex(/^\d{1,18}$/, "a dead letter id is a positive integer");

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

export function createDeadLetterRouter(deps: DeadLetterRouterDeps): Router {
  const router = Router();
  const projection = deps.projection?.name ?? "main";
  const now = deps.now ?? (() => new Date());

  router.get("/dead-letters", async (req, res) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success)
      throw badRequest(
        "invalid query",
        parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
    const { state, limit } = parsed.data;
    const where = state === "open" ? { resolvedAt: null } : state === "resolved" ? { resolvedAt: { not: null } } : {};
    const rows = await deps.db.deadLetter.findMany({ where, orderBy: { id: "asc" }, take: limit });
    res.json({ items: rows.map(deadLetterView) });
  });

  router.post("/dead-letters/:id/retry", async (req, res) => {
    const parsed = idParam.safeParse(req.params.id);
    if (!parsed.success)
      throw badRequest("invalid dead letter id", [{ path: "id", message: parsed.error.issues[0]?.message ?? "invalid" }]);
    const result = await retryDeadLetter(deps.db, BigInt(parsed.data), projection, now());
    if (result.outcome === "not-found") throw notFound(`dead letter ${parsed.data} is not known`);
    res.json({ outcome: result.outcome, deadLetter: deadLetterView(result.deadLetter) });
  });

  return router;
}
