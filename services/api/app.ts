// The read API. Handlers parse, call one query, map the result.
import type { Express } from "express";
import { z } from "zod";
import type { Db } from "../platform/db.js";
import { createBaseApp, finishApp, type ReadinessCheck } from "../platform/http.js";
import type { Logger } from "../platform/logger.js";
import type { Registry } from "../platform/metrics.js";
import { badRequest } from "../platform/problem.js";
import { lifecycleRoutes } from "./lifecycle-routes.js";
import { getOperation, getOperationHistory } from "./queries.js";

export interface ApiAppDeps {
  db: Db;
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
}

const operationIdSchema = z.string().min(1).max(200);

function parseId(value: unknown): string {
  const parsed = operationIdSchema.safeParse(value);
  if (!parsed.success) throw badRequest("invalid operation id", [{ path: "id", message: parsed.error.issues[0]?.message ?? "invalid" }]);
  return parsed.data;
}

export function createApiApp(deps: ApiAppDeps): Express {
  const app = createBaseApp({ logger: deps.logger, registry: deps.registry, readiness: deps.readiness });

  app.get("/operations/:id", async (req, res) => {
    res.json(await getOperation(deps.db, parseId(req.params.id)));
  });

  app.get("/operations/:id/history", async (req, res) => {
    res.json(await getOperationHistory(deps.db, parseId(req.params.id)));
  });
  app.use(lifecycleRoutes(deps));

  return finishApp(app);
}
