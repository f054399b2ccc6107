// The Prisma client, on the pg driver adapter (no native query engine).
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "./config.js";
import { Prisma, PrismaClient } from "./generated/prisma/client.js";

export { Prisma, PrismaClient };
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

/**
 * A Prisma client on the pg adapter. With `schema`, every connection's search_path is that schema (raw
 * SQL with unqualified table names lands there) and Prisma's own queries use it too (the rebuild).
 */
export function createDb(config: Pick<Config, "DATABASE_URL" | "DATABASE_POOL_SIZE">, options: { schema?: string } = {}): Db {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const adapter = new PrismaPg(
    { connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, ...(schema ? { options: `-c search_path=${schema}` } : {}) },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({ adapter });
}

export async function pingDb(db: Db): Promise<{ ok: boolean }> {
  await db.$queryRaw`SELECT 1`;
  return { ok: true };
}
