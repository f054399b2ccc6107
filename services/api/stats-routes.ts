// GET /stats: counts, failure rate and a bucketed series over a window ending now.
import { Router } from "express";
import type { Db } from "../platform/db.js";
import { badRequest } from "../platform/problem.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";
import { DURATION, statsQuery, statsSchema } from "./schemas.js";
import { getStats } from "./stats-queries.js";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_WINDOW_MS = 90 * UNIT_MS.d;
const MAX_BUCKETS = 2016;

export function durationMs(value: string): number {
  const m = DURATION.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function statsRoutes(db: Db, routes: ApiRoutes, now: () => Date = () => new Date()): Router {
  const router = Router();
  routes.add(
    router,
    {
      method: "get",
      path: "/stats",
      tag: "stats",
      summary: "Operations over a window ending now: by type and status, failure rate, series for a chart",
      query: statsQuery,
      responses: { 200: { description: "the statistics", schema: statsSchema }, 400: { description: "bad parameter" } },
    },
    async (req, res) => {
      const q = parseInput(statsQuery, req.query, "query");
      const window = q.window ?? "24h";
      const windowMs = durationMs(window);
      if (windowMs > MAX_WINDOW_MS) throw badRequest("invalid query parameter: window", [{ path: "window", message: "at most 90d" }]);
      const bucket = q.bucket ?? (windowMs <= UNIT_MS.d ? "5m" : "1h");
      const bucketMs = durationMs(bucket);
      if (bucketMs > windowMs || windowMs / bucketMs > MAX_BUCKETS) {
        throw badRequest("invalid query parameter: bucket", [{ path: "bucket", message: `between window/${MAX_BUCKETS} and the window` }]);
      }
      // The window ends at the next bucket boundary so buckets line up across requests.
      const to = new Date(Math.ceil(now().getTime() / bucketMs) * bucketMs);
      const from = new Date(to.getTime() - windowMs);
      res.json({ window, bucket, from: from.toISOString(), to: to.toISOString(), ...(await getStats(db, from, to, bucketMs)) });
    },
  );
  return router;
}
