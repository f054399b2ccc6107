// Typed errors and their single mapping to RFC 9457 problem+json responses.
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { redactUrl } from "./logger.js";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: { path: string; message: string }[],
    readonly type = `https://optrail.dev/problems/${title.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-")}`,
  ) {
    super(detail ?? title);
    this.name = "HttpProblem";
  }
}

export const badRequest = (detail: string, errors?: { path: string; message: string }[]) =>
  new HttpProblem(400, "Bad Request", detail, errors);
export const notFound = (detail: string) => new HttpProblem(404, "Not Found", detail);
export const serviceUnavailable = (detail: string) => new HttpProblem(503, "Service Unavailable", detail);

export function sendProblem(res: Response, problem: HttpProblem, requestId?: string): void {
  const body: ProblemBody = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
    instance: redactUrl(res.req.originalUrl),
    ...(requestId ? { requestId } : {}),
  };
  res.status(problem.status).type("application/problem+json").json(body);
}

/** Maps body-parser and framework errors (which carry `status`/`type`) to problems. */
function fromFrameworkError(err: unknown): HttpProblem | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e.status ?? e.statusCode;
  if (typeof status !== "number" || status < 400 || status >= 600) return undefined;
  switch (e.type) {
    case "entity.parse.failed":
      return new HttpProblem(400, "Malformed JSON", `the request body is not valid JSON: ${e.message ?? ""}`.trim());
    case "entity.too.large":
      return new HttpProblem(413, "Payload Too Large", "the request body is larger than the configured limit");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpProblem(415, "Unsupported Media Type", e.message ?? "unsupported encoding");
    default:
      return new HttpProblem(status, status >= 500 ? "Internal Server Error" : "Bad Request", e.message);
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};

/** The one place where errors become HTTP responses. Unknown errors are logged, never leaked. */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const requestId = typeof req.id === "string" || typeof req.id === "number" ? String(req.id) : undefined;
  const problem =
    err instanceof HttpProblem
      ? err
      : (fromFrameworkError(err) ?? new HttpProblem(500, "Internal Server Error", "an unexpected error occurred"));
  if (problem.status >= 500) req.log?.error({ err }, "request failed");
  if (res.headersSent) return;
  sendProblem(res, problem, requestId);
};
