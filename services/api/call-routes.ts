// Routes over one call: summary, its operations (same paging as /operations), its history rows.
import { Router } from "express";
import { z } from "zod";
import type { Db } from "../platform/db.js";
import { listCallEvents, getCallSummary } from "./call-queries.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { respondOperationList } from "./operation-routes.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";
import {
  callEventsQuery,
  callIdParams,
  callOperationListQuery,
  callSummarySchema,
  emptyQuery,
  eventPageSchema,
  operationPageSchema,
} from "./schemas.js";

const eventCursor = z.object({ t: z.iso.datetime(), e: z.string().regex(/^\d+$/) }).strict();

export function callRoutes(db: Db, routes: ApiRoutes): Router {
  const router = Router();

  routes.add(
    router,
    {
      method: "get",
      path: "/calls/:callId",
      tag: "calls",
      summary: "Summary of one call: operations by status and outcome, open alerts, history rows",
      params: callIdParams,
      query: emptyQuery,
      responses: { 200: { description: "the summary", schema: callSummarySchema }, 404: { description: "unknown call" } },
    },
    async (req, res) => {
      parseInput(emptyQuery, req.query, "query");
      res.json(await getCallSummary(db, parseInput(callIdParams, req.params, "path").callId));
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/calls/:callId/operations",
      tag: "calls",
      summary: "The call's operations, with the filters and paging of GET /operations",
      params: callIdParams,
      query: callOperationListQuery,
      responses: {
        200: { description: "a page", schema: operationPageSchema, alternatives: ["text/csv"] },
        400: { description: "bad parameter" },
      },
    },
    async (req, res) => {
      const { callId } = parseInput(callIdParams, req.params, "path");
      await respondOperationList(db, req, res, { ...parseInput(callOperationListQuery, req.query, "query"), callId });
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/calls/:callId/events",
      tag: "calls",
      summary: 'The call\'s history rows in receipt order, non-operation items (kind "call") included',
      params: callIdParams,
      query: callEventsQuery,
      responses: { 200: { description: "a page", schema: eventPageSchema }, 400: { description: "bad parameter" } },
    },
    async (req, res) => {
      const { callId } = parseInput(callIdParams, req.params, "path");
      const { limit = 50, cursor } = parseInput(callEventsQuery, req.query, "query");
      const c = cursor ? decodeCursor(cursor, eventCursor) : undefined;
      const page = await listCallEvents(db, callId, limit, c ? { t: new Date(c.t), id: BigInt(c.e) } : undefined);
      res.json({
        items: page.items,
        nextCursor: page.more && page.last ? encodeCursor({ t: page.last.t.toISOString(), e: page.last.id.toString() }) : null,
      });
    },
  );

  return router;
}
