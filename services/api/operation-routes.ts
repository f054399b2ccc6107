// Routes over operations: the audit list (JSON or CSV), one operation, its history (JSON or CSV).
import { Router, type Request, type Response } from "express";
import type { Db } from "../platform/db.js";
import { badRequest } from "../platform/problem.js";
import type { Operation } from "../platform/generated/prisma/client.js";
import { decodeCursor, encodeCursor, timeIdCursor } from "./cursor.js";
import { csvHeader, csvLines, type CsvColumn } from "./csv.js";
import { listOperations, type OperationFilters, type Order } from "./operation-queries.js";
import { parseInput } from "./params.js";
import { getOperation, getOperationHistory } from "./queries.js";
import type { ApiRoutes } from "./routes.js";
import { historySchema, idParams, emptyQuery, operationListQuery, operationDetailSchema, operationPageSchema } from "./schemas.js";
import { operationView, type HistoryEventView } from "./views.js";

const CSV = "text/csv";
const CSV_PAGE = 500;

export const wantsCsv = (req: Request) => req.accepts(["application/json", CSV]) === CSV;

const operationColumns: CsvColumn<Operation>[] = [
  ["id", (o: Operation) => o.id],
  ["callId", (o: Operation) => o.callId],
  ["tenantId", (o: Operation) => o.tenantId],
  ["type", (o: Operation) => o.type],
  ["status", (o: Operation) => o.status],
  ["outcome", (o: Operation) => o.outcome],
  ["clientContext", (o: Operation) => o.clientContext],
  ["resultCode", (o: Operation) => o.resultCode],
  ["resultSubcode", (o: Operation) => o.resultSubcode],
  ["resultMessage", (o: Operation) => o.resultMessage],
  ["all", (o: Operation) => o.all],
  ["completionReason", (o: Operation) => o.completionReason],
  ["conflict", (o: Operation) => o.conflict],
  ["conflictStatus", (o: Operation) => o.conflictStatus],
  ["firstSeenAt", (o: Operation) => o.firstSeenAt],
  ["lastSeenAt", (o: Operation) => o.lastSeenAt],
  ["lastChangedAt", (o: Operation) => o.lastChangedAt],
  ["eventCount", (o: Operation) => o.eventCount],
].map(([header, value]) => ({ header, value }) as CsvColumn<Operation>);

const historyColumns: CsvColumn<HistoryEventView>[] = [
  ["eventId", (e: HistoryEventView) => e.eventId],
  ["kind", (e: HistoryEventView) => e.kind],
  ["source", (e: HistoryEventView) => e.source],
  ["operationId", (e: HistoryEventView) => e.operationId],
  ["callId", (e: HistoryEventView) => e.callId],
  ["resourceType", (e: HistoryEventView) => e.resourceType],
  ["changeType", (e: HistoryEventView) => e.changeType],
  ["status", (e: HistoryEventView) => e.status],
  ["statusBefore", (e: HistoryEventView) => e.statusBefore],
  ["statusAfter", (e: HistoryEventView) => e.statusAfter],
  ["resultCode", (e: HistoryEventView) => e.resultInfo?.code],
  ["resultSubcode", (e: HistoryEventView) => e.resultInfo?.subcode],
  ["resultMessage", (e: HistoryEventView) => e.resultInfo?.message],
  ["duplicate", (e: HistoryEventView) => e.duplicate],
  ["conflict", (e: HistoryEventView) => e.conflict],
  ["stale", (e: HistoryEventView) => e.stale],
  ["authenticated", (e: HistoryEventView) => e.authenticated],
  ["requestId", (e: HistoryEventView) => e.requestId],
  ["receivedAt", (e: HistoryEventView) => e.receivedAt],
  ["projectedAt", (e: HistoryEventView) => e.projectedAt],
  ["kafkaTopic", (e: HistoryEventView) => e.kafka.topic],
  ["kafkaPartition", (e: HistoryEventView) => e.kafka.partition],
  ["kafkaOffset", (e: HistoryEventView) => e.kafka.offset],
].map(([header, value]) => ({ header, value }) as CsvColumn<HistoryEventView>);

export interface ListQuery extends OperationFilters {
  limit?: number;
  cursor?: string;
  order?: Order;
}

/** Answers an operation list: one JSON page, or (Accept: text/csv) every matching row, paged through. */
export async function respondOperationList(db: Db, req: Request, res: Response, query: ListQuery): Promise<void> {
  const { limit = 50, cursor, order = "desc", ...filters } = query;
  let after: { t: Date; id: string } | undefined;
  if (cursor) {
    const c = decodeCursor(cursor, timeIdCursor);
    if (c.o !== order)
      throw badRequest("invalid query parameter: cursor", [{ path: "cursor", message: "the cursor belongs to the other order" }]);
    after = { t: new Date(c.t), id: c.id };
  }
  if (wantsCsv(req)) {
    res.status(200).type(CSV).attachment("operations.csv");
    res.write(csvHeader(operationColumns));
    try {
      for (;;) {
        const { rows, more } = await listOperations(db, filters, { limit: CSV_PAGE, order, after });
        if (rows.length > 0 && !res.write(csvLines(operationColumns, rows))) await new Promise((r) => res.once("drain", r));
        const last = rows[rows.length - 1];
        if (!more || !last || res.destroyed) break;
        after = { t: last.firstSeenAt, id: last.id };
      }
    } catch (err) {
      // The 200 and part of the file are out: cut the connection so the client sees an incomplete download.
      req.log?.error({ err }, "csv export failed");
      res.destroy(err as Error);
      return;
    }
    res.end();
    return;
  }
  const { rows, more } = await listOperations(db, filters, { limit, order, after });
  const last = rows[rows.length - 1];
  res.json({
    items: rows.map(operationView),
    nextCursor: more && last ? encodeCursor({ t: last.firstSeenAt.toISOString(), id: last.id, o: order }) : null,
  });
}

const problem = (description: string) => ({ description });

export function operationRoutes(db: Db, routes: ApiRoutes): Router {
  const router = Router();

  routes.add(
    router,
    {
      method: "get",
      path: "/operations",
      tag: "operations",
      summary: "Audit list of operations, filtered, newest first (cursor paging); Accept: text/csv exports every match",
      query: operationListQuery,
      responses: { 200: { description: "a page", schema: operationPageSchema, alternatives: [CSV] }, 400: problem("bad parameter") },
    },
    async (req, res) => {
      await respondOperationList(db, req, res, parseInput(operationListQuery, req.query, "query"));
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/operations/:id",
      tag: "operations",
      summary: "Current state of one operation",
      params: idParams,
      query: emptyQuery,
      responses: {
        200: { description: "the operation, and the cancellation that canceled it", schema: operationDetailSchema },
        404: problem("unknown operation"),
      },
    },
    async (req, res) => {
      parseInput(emptyQuery, req.query, "query");
      res.json(await getOperation(db, parseInput(idParams, req.params, "path").id));
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/operations/:id/history",
      tag: "operations",
      summary: "Every event of one operation in order; Accept: text/csv for auditors",
      params: idParams,
      query: emptyQuery,
      responses: { 200: { description: "the history", schema: historySchema, alternatives: [CSV] }, 404: problem("unknown operation") },
    },
    async (req, res) => {
      parseInput(emptyQuery, req.query, "query");
      const { id } = parseInput(idParams, req.params, "path");
      const history = await getOperationHistory(db, id);
      if (wantsCsv(req)) {
        res
          .status(200)
          .type(CSV)
          .attachment(`operation-${id.replaceAll(/[^A-Za-z0-9._-]/g, "_")}-history.csv`);
        res.send(csvHeader(historyColumns) + csvLines(historyColumns, history.events));
        return;
      }
      res.json(history);
    },
  );

  return router;
}
