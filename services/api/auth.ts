// Bearer-token access to the read API. Tokens come from API_TOKENS; comparison is constant-time
// (fixed-length digests, every configured token compared). Streams also accept ?access_token=,
// since EventSource cannot set headers.
import { hash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { HttpProblem } from "../platform/problem.js";

const digest = (s: string) => hash("sha256", s, "buffer");

export function tokenMatcher(tokens: string[]): (given: string) => boolean {
  const expected = tokens.map(digest);
  return (given) => {
    const d = digest(given);
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(d, e) || ok;
    return ok;
  };
}

function presented(header: string | undefined, query: unknown, isStream: boolean): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (m) return m[1];
  if (isStream && typeof query === "string") return query;
  return undefined;
}

/** Requires a configured token; with no tokens configured (development), lets everything through. */
export function requireToken(tokens: string[]): RequestHandler {
  if (tokens.length === 0) return (_req, _res, next) => next();
  const matches = tokenMatcher(tokens);
  return (req, res, next) => {
    const token = presented(req.header("authorization"), (req.query as Record<string, unknown>).access_token, req.path.endsWith("/stream"));
    if (token !== undefined && matches(token)) return next();
    res.setHeader("www-authenticate", 'Bearer realm="optrail"');
    next(new HttpProblem(401, "Unauthorized", token === undefined ? "a bearer token is required" : "the token is not valid"));
  };
}
