// The Prisma client, on the pg driver adapter (no native query engine), and the pg pool under it.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { Config } from "./config.js";
import { Prisma, PrismaClient } from "./generated/prisma/client.js";

export { Prisma, PrismaClient };
/**
 * Prisma's client plus the pg pool its adapter runs on. The projector's hot path writes through the pool
 * directly (see sql.ts: a batch is one JSON parameter, which Prisma's query compiler would copy and
 * re-encode several times); both share the same connections and `db.$disconnect()` closes both.
 */
export type Db = PrismaClient & { readonly pool: pg.Pool };
export type Tx = Prisma.TransactionClient;

/**
 * A Prisma client on the pg adapter. With `schema`, every connection's search_path is that schema (raw
 * SQL with unqualified table names lands there) and Prisma's own queries use it too (the rebuild).
 */
export function createDb(config: Pick<Config, "DATABASE_URL" | "DATABASE_POOL_SIZE">, options: { schema?: string } = {}): Db {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection dropped by the server (a restart): the pool discards it and the next query reconnects.
  pool.on("error", () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true }) });
  Object.defineProperty(client, "pool", { value: pool, enumerable: false });
  return client as Db;
}

export async function pingDb(db: Db): Promise<{ ok: boolean }> {
  await db.$queryRaw`SELECT 1`;
  return { ok: true };
}
