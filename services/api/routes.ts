// The API's route table: every route is registered here with its zod schemas, so the OpenAPI
// document lists exactly what Express serves. With validateResponses (tests), every JSON response
// is checked against the schema declared for its status; mismatches are collected in `violations`.
import type { RequestHandler, Response, Router } from "express";
import type { z } from "zod";
import { problemSchema } from "./schemas.js";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json (application/problem+json for 4xx/5xx). */
  contentType?: string;
  /** Further representations chosen by Accept (e.g. text/csv). */
  alternatives?: string[];
}

export interface RouteSpec {
  method: "get" | "post";
  /** Express path, e.g. /operations/:id */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** Open routes need no API token. */
  open?: boolean;
}

export class ApiRoutes {
  readonly specs: RouteSpec[] = [];
  readonly violations: string[] = [];

  constructor(private readonly validateResponses = false) {}

  /** Documents a route served elsewhere (the shared /healthz, /readyz, /metrics). */
  describe(spec: RouteSpec): void {
    this.specs.push(spec);
  }

  /** Registers the route; the last handler is the route's own, earlier ones are middleware (e.g. a body parser). */
  add(router: Router, spec: RouteSpec, ...handlers: RequestHandler[]): void {
    this.specs.push(spec);
    const own = handlers.pop();
    if (!own) throw new Error(`route ${spec.path} has no handler`);
    router[spec.method](spec.path, ...handlers, this.validateResponses ? this.checked(spec, own) : own);
  }

  private checked(spec: RouteSpec, handler: RequestHandler): RequestHandler {
    return (req, res, next) => {
      const json = res.json.bind(res) as Response["json"];
      res.json = ((body: unknown) => {
        const declared = spec.responses[res.statusCode];
        const schema = declared?.schema ?? (res.statusCode >= 400 ? problemSchema : undefined);
        if (!declared && res.statusCode < 400) {
          this.violations.push(`${spec.method.toUpperCase()} ${spec.path}: undeclared status ${res.statusCode}`);
        } else if (schema) {
          const r = schema.safeParse(body);
          if (!r.success) this.violations.push(`${spec.method.toUpperCase()} ${spec.path} ${res.statusCode}: ${r.error.message}`);
        }
        return json(body);
      }) as Response["json"];
      return handler(req, res, next);
    };
  }
}
