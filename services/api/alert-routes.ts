// Alerts: list (filters, cursor paging, newest first), one alert, acknowledge.
import express, { Router } from "express";
import { alertView } from "../core/index.js";
import type { Db } from "../platform/db.js";
import { HttpProblem, notFound } from "../platform/problem.js";
import { decodeCursor, encodeCursor, seqCursor } from "./cursor.js";
import { parseInput } from "./params.js";
import type { ApiRoutes } from "./routes.js";
import { ackBody, alertListQuery, alertPageSchema, alertViewSchema, emptyQuery, idParams } from "./schemas.js";

export function alertRoutes(db: Db, routes: ApiRoutes, now: () => Date = () => new Date()): Router {
  const router = Router();

  routes.add(
    router,
    {
      method: "get",
      path: "/alerts",
      tag: "alerts",
      summary: "Alerts, newest first, filtered by state, rule, call or operation type",
      query: alertListQuery,
      responses: { 200: { description: "a page", schema: alertPageSchema }, 400: { description: "bad parameter" } },
    },
    async (req, res) => {
      const { limit = 50, cursor, ...f } = parseInput(alertListQuery, req.query, "query");
      const before = cursor ? BigInt(decodeCursor(cursor, seqCursor).s) : undefined;
      const rows = await db.alert.findMany({
        where: { ...f, ...(before !== undefined ? { seq: { lt: before } } : {}) },
        orderBy: { seq: "desc" },
        take: limit + 1,
      });
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page[page.length - 1];
      res.json({ items: page.map(alertView), nextCursor: more && last ? encodeCursor({ s: last.seq.toString() }) : null });
    },
  );

  routes.add(
    router,
    {
      method: "get",
      path: "/alerts/:id",
      tag: "alerts",
      summary: "One alert with its delivery state",
      params: idParams,
      query: emptyQuery,
      responses: { 200: { description: "the alert", schema: alertViewSchema }, 404: { description: "unknown alert" } },
    },
    async (req, res) => {
      parseInput(emptyQuery, req.query, "query");
      const { id } = parseInput(idParams, req.params, "path");
      const alert = await db.alert.findUnique({ where: { id } });
      if (!alert) throw notFound(`alert ${id} is not known`);
      res.json(alertView(alert));
    },
  );

  routes.add(
    router,
    {
      method: "post",
      path: "/alerts/:id/ack",
      tag: "alerts",
      summary: "Acknowledge an open alert",
      params: idParams,
      query: emptyQuery,
      body: ackBody,
      responses: {
        200: { description: "the acknowledged alert", schema: alertViewSchema },
        400: { description: "bad body" },
        404: { description: "unknown alert" },
        409: { description: "already acknowledged" },
      },
    },
    express.json({ limit: "16kb", type: () => true }),
    async (req, res) => {
      parseInput(emptyQuery, req.query, "query");
      const { id } = parseInput(idParams, req.params, "path");
      const body = parseInput(ackBody, req.body, "body");
      const { count } = await db.alert.updateMany({
        where: { id, state: "open" },
        data: { state: "acknowledged", ackedBy: body.by, ackNote: body.note ?? null, ackedAt: now() },
      });
      const alert = await db.alert.findUnique({ where: { id } });
      if (!alert) throw notFound(`alert ${id} is not known`);
      if (count === 0) throw new HttpProblem(409, "Conflict", `alert ${id} was already acknowledged by ${alert.ackedBy ?? "someone"}`);
      res.json(alertView(alert));
    },
  );

  return router;
}
