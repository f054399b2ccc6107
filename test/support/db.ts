// Database helpers for integration tests (the real Postgres named by DATABASE_URL).
import { createDb, type Db } from "../../services/platform/db.js";
import type { Config } from "../../services/platform/config.js";

export function testDb(config: Config): Db {
  return createDb(config);
}

/** Empties the projection tables (tests run one file at a time). */
export async function resetTables(db: Db): Promise<void> {
  await db.$executeRawUnsafe("TRUNCATE operation, operation_event, projection_position, dead_letter, alert RESTART IDENTITY");
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
