// The little SQL surface the projection store needs, so the same statements run inside a Prisma
// interactive transaction (api: dead-letter retry) or a pg transaction on Prisma's own pool (projector).
import type pg from "pg";
import type { Tx } from "./db.js";

/** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
export interface Sql {
  query<R extends Record<string, unknown>>(text: string, values: unknown[]): Promise<R[]>;
}

/**
 * The statements inside a Prisma interactive transaction. A Buffer value is JSON text as bytes (see
 * json-bytes.ts): pg sends it as is, Prisma would send bytea, so it goes to Prisma as a string.
 */
export function prismaSql(tx: Tx): Sql {
  return { query: (text, values) => tx.$queryRawUnsafe(text, ...values.map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : v))) };
}

/**
 * Runs `fn` in one pg transaction on a pooled connection: BEGIN, then COMMIT if `fn` resolves, ROLLBACK
 * if it throws. The statement timeout bounds every statement. A connection whose BEGIN, COMMIT or
 * ROLLBACK failed is discarded, not returned to the pool.
 */
export async function pgTransaction<T>(pool: pg.Pool, fn: (sql: Sql) => Promise<T>, statementTimeoutMs = 60_000): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The server can end a checked-out connection between statements (a restart): the client then emits
  // 'error', which must not go unhandled; the next statement fails and the connection is discarded.
  const onError = (err: Error) => (broken = err);
  client.on("error", onError);
  const control = async (text: string) => {
    try {
      await client.query(text);
    } catch (err) {
      broken = err as Error;
      throw err;
    }
  };
  try {
    await control(`BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(statementTimeoutMs))}`);
    let result: T;
    try {
      result = await fn({ query: async (text, values) => (await client.query(text, values)).rows });
    } catch (err) {
      await control("ROLLBACK").catch(() => undefined);
      throw err;
    }
    await control("COMMIT");
    return result;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}
