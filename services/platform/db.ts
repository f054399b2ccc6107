// The Prisma client, on the pg driver adapter (no native query engine).
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "./config.js";
import { Prisma, PrismaClient } from "./generated/prisma/client.js";

export { Prisma, PrismaClient };
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

export function createDb(config: Pick<Config, "DATABASE_URL" | "DATABASE_POOL_SIZE">): Db {
  const adapter = new PrismaPg({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  return new PrismaClient({ adapter });
}

export async function pingDb(db: Db): Promise<{ ok: boolean }> {
  await db.$queryRaw`SELECT 1`;
  return { ok: true };
}
