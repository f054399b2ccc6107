// The OpenAPI 3.1 document, generated from the routes' zod schemas (z.toJSONSchema), served at
// /openapi.json, and a self-contained docs page at /docs (no external scripts: the network may be closed).
import { Router } from "express";
import { z } from "zod";
import type { ApiRoutes, RouteSpec } from "./routes.js";
import { problemSchema } from "./schemas.js";

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: "input" | "output"): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  return rest;
};

const openApiPath = (path: string) => path.replaceAll(/:([A-Za-z0-9_]+)/g, "{$1}");

function parameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ["path", spec.params],
    ["query", spec.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
      const schema = schemaOf(field, "input");
      out.push({
        name,
        in: where,
        required: where === "path" || !field.safeParse(undefined).success,
        ...(typeof schema.description === "string" ? { description: schema.description } : {}),
        schema,
      });
    }
  }
  return out;
}

function responses(spec: RouteSpec): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const problem = Number(status) >= 400;
    const type = r.contentType ?? (problem ? "application/problem+json" : "application/json");
    const schema = r.schema ?? (problem ? problemSchema : undefined);
    out[status] = {
      description: r.description,
      content: {
        [type]: schema ? { schema: schemaOf(schema, "output") } : {},
        ...Object.fromEntries((r.alternatives ?? []).map((t) => [t, { schema: { type: "string" } }])),
      },
    };
  }
  if (!spec.open)
    out["401"] = {
      description: "missing or wrong API token",
      content: { "application/problem+json": { schema: schemaOf(problemSchema, "output") } },
    };
  return out;
}

export function openApiDocument(routes: ApiRoutes): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes.specs) {
    const entry = (paths[openApiPath(spec.path)] ??= {});
    entry[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(spec.body, "input") } } } } : {}),
      responses: responses(spec),
      ...(spec.open ? { security: [] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "optrail read API", version: "1", description: "Audit history of Microsoft Graph call operations, and alerts." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}

const escapeHtml = (s: string) => s.replaceAll(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsPage(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const sections = Object.entries(paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const params = (op.parameters as Json[])
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? "yes" : ""}</td><td>${escapeHtml(String(p.description ?? ""))}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
          )
          .join("");
        const resp = Object.entries(op.responses as Record<string, Json>)
          .map(
            ([status, r]) =>
              `<details><summary>${escapeHtml(status)} ${escapeHtml(String(r.description))}</summary><pre>${escapeHtml(JSON.stringify(r.content, null, 2))}</pre></details>`,
          )
          .join("");
        const body = op.requestBody ? `<h4>body</h4><pre>${escapeHtml(JSON.stringify(op.requestBody, null, 2))}</pre>` : "";
        return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3><p>${escapeHtml(String(op.summary))}</p>${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>meaning</th><th>schema</th></tr>${params}</table>` : ""}${body}<h4>responses</h4>${resp}</section>`;
      }),
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>optrail API</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}section{border-top:1px solid #ccc;padding:.5em 0}
.m{background:#235;color:#fff;padding:0 .4em;border-radius:3px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:.5em;overflow:auto}</style></head><body><h1>optrail read API</h1>
<p>OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;token&gt;</code> when the API has tokens.</p>
${sections}</body></html>`;
}

export function openApiRoutes(routes: ApiRoutes): Router {
  const router = Router();
  let cached: { doc: Json; html: string } | undefined;
  const build = () => {
    if (!cached) {
      const doc = openApiDocument(routes);
      cached = { doc, html: docsPage(doc) };
    }
    return cached;
  };
  routes.add(
    router,
    {
      method: "get",
      path: "/openapi.json",
      tag: "meta",
      summary: "This OpenAPI 3.1 document",
      open: true,
      responses: { 200: { description: "the document" } },
    },
    (_req, res) => {
      res.json(build().doc);
    },
  );
  routes.add(
    router,
    {
      method: "get",
      path: "/docs",
      tag: "meta",
      summary: "Browsable API documentation",
      open: true,
      responses: { 200: { description: "HTML", contentType: "text/html" } },
    },
    (_req, res) => {
      res.type("html").send(build().html);
    },
  );
  return router;
}
