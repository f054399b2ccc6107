// Parsing request input with zod: any failure is a 400 problem naming the parameter.
import type { z } from "zod";
import { badRequest } from "../platform/problem.js";

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: "query" | "path" | "body"): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: key, message: `unknown ${where} parameter` }))
      : [{ path: issue.path.join(".") || where, message: issue.message }],
  );
  const names = [...new Set(errors.map((e) => e.path))].join(", ");
  throw badRequest(`invalid ${where === "body" ? "request body" : `${where} parameter`}: ${names}`, errors);
}
