// Opaque page cursors: base64url JSON of the last row's sort key. A cursor that does not decode is a 400.
import { z } from "zod";
import { badRequest } from "../platform/problem.js";

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw badRequest("invalid query parameter: cursor", [{ path: "cursor", message: "not a cursor this API issued" }]);
  return parsed.data;
}

/** Cursor of lists ordered by (time, id). */
export const timeIdCursor = z.object({ t: z.iso.datetime(), id: z.string(), o: z.enum(["asc", "desc"]) }).strict();
export const seqCursor = z.object({ s: z.string().regex(/^\d+$/) }).strict();
