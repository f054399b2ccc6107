// GET /lifecycle-events: the subscription lifecycle notifications Graph sent (reauthorizationRequired,
// subscriptionRemoved, missed), newest first, for operators. Read from the history rows the projector
// writes with kind "lifecycle".
import { Router } from "express";
import { z } from "zod";
import type { Db } from "../platform/db.js";
import type { OperationEvent } from "../platform/generated/prisma/client.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";

export const lifecycleQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    subscriptionId: z.string().min(1).max(200).optional(),
    event: z.string().min(1).max(100).optional(),
  })
  .strict();

const lifecycleEventSchema = z.object({
  eventId: z.string(),
  lifecycleEvent: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  resource: z.string().nullable(),
  subscriptionExpirationDateTime: z.string().nullable(),
  tenantId: z.string().nullable(),
  authenticated: z.boolean(),
  requestId: z.string().nullable(),
  receivedAt: z.string(),
});
const lifecycleListSchema = z.object({ events: z.array(lifecycleEventSchema) });
export type LifecycleQuery = z.infer<typeof lifecycleQuerySchema>;

export async function listLifecycleEvents(db: Db, query: LifecycleQuery) {
  const rows = await db.operationEvent.findMany({
    where: {
      kind: "lifecycle",
      ...(query.event ? { resourceType: query.event } : {}),
      ...(query.subscriptionId ? { payload: { path: ["data", "subscriptionId"], equals: query.subscriptionId } } : {}),
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: query.limit,
  });
  return { events: rows.map(lifecycleEventView) };
}

function lifecycleEventView(row: OperationEvent) {
  const data = (row.payload as { data?: Record<string, unknown> } | null)?.data ?? {};
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    eventId: row.eventId,
    lifecycleEvent: row.resourceType,
    subscriptionId: text(data.subscriptionId),
    resource: text(data.resource),
    subscriptionExpirationDateTime: text(data.subscriptionExpirationDateTime),
    tenantId: row.tenantId,
    authenticated: row.authenticated,
    requestId: row.requestId,
    receivedAt: row.receivedAt.toISOString(),
  };
}

export function lifecycleRoutes(deps: { db: Db }, routes: ApiRoutes): Router {
  const router = Router();
  routes.add(
    router,
    {
      method: "get",
      path: "/lifecycle-events",
      tag: "lifecycle",
      summary: "Subscription lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed), newest first",
      query: lifecycleQuerySchema,
      responses: { 200: { description: "lifecycle events", schema: lifecycleListSchema }, 400: { description: "bad parameter" } },
    },
    async (req, res) => {
      res.json(await listLifecycleEvents(deps.db, parseInput(lifecycleQuerySchema, req.query, "query")));
    },
  );
  return router;
}
