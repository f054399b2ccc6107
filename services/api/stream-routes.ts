// Server-Sent Events for live views: new alerts (event "alert") and operation status changes (event
// "operation"). Each stream polls Postgres from where it started (or from Last-Event-ID) and sends a
// keep-alive comment periodically. Polling keeps the API free of projector code and of a dedicated
// LISTEN connection; the cost is up to one poll interval of delay.
import { Router, type Request, type Response } from "express";
import { alertView } from "../core/index.js";
import type { Db } from "../platform/db.js";
import type { Logger } from "../platform/logger.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";
import { streamQuery } from "./schemas.js";
import { operationView } from "./views.js";

export interface StreamOptions {
  pollIntervalMs: number;
  keepAliveMs: number;
}

/** Open streams, so shutdown can end them (an open SSE response would hold the server open). */
export class Streams {
  private readonly open = new Set<Response>();
  add(res: Response) {
    this.open.add(res);
    res.once("close", () => this.open.delete(res));
  }
  get size() {
    return this.open.size;
  }
  async closeAll(): Promise<void> {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

const BATCH = 200;

function lastEventId(req: Request): bigint | undefined {
  const v = req.header("last-event-id");
  return v && /^\d{1,19}$/.test(v) ? BigInt(v) : undefined;
}

/** Runs one SSE response: `next(after)` returns the events after a position and the new position. */
function serve(
  req: Request,
  res: Response,
  streams: Streams,
  options: StreamOptions,
  logger: Logger,
  start: bigint,
  next: (after: bigint) => Promise<{ events: { id: bigint; data: unknown }[]; position: bigint }>,
  event: string,
) {
  res
    .status(200)
    .set({ "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  res.flushHeaders();
  res.write(`retry: 2000\n\n`);
  streams.add(res);
  let position = start;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), options.keepAliveMs);
  const poll = async () => {
    try {
      const { events, position: p } = await next(position);
      for (const e of events) res.write(`id: ${e.id}\nevent: ${event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      position = p;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "stream poll failed");
    }
    if (!closed) timer = setTimeout(() => void poll(), options.pollIntervalMs);
  };
  res.once("close", () => {
    closed = true;
    clearInterval(keepAlive);
    if (timer) clearTimeout(timer);
  });
  void poll();
  void req;
}

export function streamRoutes(db: Db, routes: ApiRoutes, streams: Streams, options: StreamOptions, logger: Logger): Router {
  const router = Router();
  const sse = { description: "text/event-stream", contentType: "text/event-stream" };

  routes.add(
    router,
    {
      method: "get",
      path: "/alerts/stream",
      tag: "alerts",
      summary: 'New alerts as Server-Sent Events (event "alert", data = the alert); the token may be given as ?access_token=',
      query: streamQuery,
      responses: { 200: sse },
    },
    async (req, res) => {
      parseInput(streamQuery, req.query, "query");
      const start = lastEventId(req) ?? (await db.alert.aggregate({ _max: { seq: true } }))._max.seq ?? 0n;
      serve(
        req,
        res,
        streams,
        options,
        logger,
        start,
        async (after) => {
          const rows = await db.alert.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: BATCH });
          const last = rows[rows.length - 1];
          return { events: rows.map((a) => ({ id: a.seq, data: alertView(a) })), position: last?.seq ?? after };
        },
        "alert",
      );
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/operations/stream",
      tag: "operations",
      summary: 'Operation status changes as Server-Sent Events (event "operation", data = the operation); ?access_token= accepted',
      query: streamQuery,
      responses: { 200: sse },
    },
    async (req, res) => {
      parseInput(streamQuery, req.query, "query");
      const start = lastEventId(req) ?? (await db.operationEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
      serve(
        req,
        res,
        streams,
        options,
        logger,
        start,
        async (after) => {
          const rows = await db.operationEvent.findMany({
            where: { id: { gt: after }, kind: "operation" },
            select: { id: true, operationId: true, statusBefore: true, statusAfter: true },
            orderBy: { id: "asc" },
            take: BATCH,
          });
          const last = rows[rows.length - 1];
          const changed = new Map<string, bigint>();
          for (const r of rows) if (r.operationId && r.statusBefore !== r.statusAfter) changed.set(r.operationId, r.id);
          const ops = changed.size > 0 ? await db.operation.findMany({ where: { id: { in: [...changed.keys()] } } }) : [];
          const events = ops
            .map((o) => ({ id: changed.get(o.id) ?? 0n, data: operationView(o) }))
            .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          return { events, position: last?.id ?? after };
        },
        "operation",
      );
    },
  );

  return router;
}
