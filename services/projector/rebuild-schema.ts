// The rebuild's tables: a fresh schema with copies of the projection tables (same columns, defaults,
// indexes and index names, own sequences), and the switch-over that swaps them into public.
import type { Db, Tx } from "../platform/db.js";

/** The projection's tables: everything derived from the topic. Other tables are never touched. */
export const PROJECTION_TABLES = ["operation", "operation_event", "projection_position", "dead_letter"] as const;

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid identifier ${name}`);
  return `"${name}"`;
};

/** Creates `schema` with empty copies of the projection tables. */
export async function createRebuildSchema(db: Db, schema: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`CREATE SCHEMA ${ident(schema)}`);
    for (const table of PROJECTION_TABLES) {
      await tx.$executeRawUnsafe(`CREATE TABLE ${ident(schema)}.${ident(table)} (LIKE public.${ident(table)} INCLUDING ALL)`);
      // Serial columns copied by LIKE still draw from public's sequences: give them their own.
      const serials = await tx.$queryRaw<{ column_name: string }[]>`SELECT column_name::text FROM information_schema.columns
        WHERE table_schema = ${schema} AND table_name = ${table} AND column_default LIKE 'nextval(%'`;
      for (const { column_name } of serials) {
        const seq = `${ident(schema)}.${ident(`${table}_${column_name}_seq`)}`;
        await tx.$executeRawUnsafe(`CREATE SEQUENCE ${seq} OWNED BY ${ident(schema)}.${ident(table)}.${ident(column_name)}`);
        await tx.$executeRawUnsafe(
          `ALTER TABLE ${ident(schema)}.${ident(table)} ALTER COLUMN ${ident(column_name)} SET DEFAULT nextval('${seq}')`,
        );
      }
    }
    await copyIndexNames(tx, schema);
  });
}

/** LIKE names some indexes differently (e.g. unique: _idx vs Prisma's _key); rename them to public's names. */
async function copyIndexNames(tx: Tx, schema: string): Promise<void> {
  const rows = await tx.$queryRaw<
    { schemaname: string; indexname: string; indexdef: string }[]
  >`SELECT schemaname::text, indexname::text, indexdef
    FROM pg_indexes WHERE schemaname IN ('public', ${schema}) AND tablename = ANY(${[...PROJECTION_TABLES]}::text[])`;
  const shape = (def: string) => def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+\.(\S+) /, "$1|$2|");
  const publicNames = new Map(rows.filter((r) => r.schemaname === "public").map((r) => [shape(r.indexdef), r.indexname]));
  for (const r of rows.filter((x) => x.schemaname === schema)) {
    const wanted = publicNames.get(shape(r.indexdef));
    if (wanted && wanted !== r.indexname) {
      await tx.$executeRawUnsafe(`ALTER INDEX ${ident(schema)}.${ident(r.indexname)} RENAME TO ${ident(wanted)}`);
    }
  }
}

interface Position {
  topic: string;
  partition: number;
  next_offset: bigint;
}

/**
 * Swaps the rebuilt tables into public in ONE transaction, and the old ones into `archive`. Holds an
 * exclusive lock on public.projection_position, so the live projector cannot commit meanwhile, and
 * switches only if the rebuild is at or past the live position on every partition (the live projector
 * then goes on from the rebuilt positions: nothing skipped, nothing applied twice). Returns the
 * partitions still behind when it cannot switch yet.
 */
export async function switchOver(
  db: Db,
  schema: string,
  archive: string,
  projection: string,
  topic: string,
): Promise<{ switched: boolean; behind: number[] }> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE public.projection_position IN ACCESS EXCLUSIVE MODE`);
      const live = await tx.$queryRawUnsafe<Position[]>(
        `SELECT topic, partition, next_offset FROM public.projection_position WHERE projection = $1 AND topic = $2`,
        projection,
        topic,
      );
      const rebuilt = await tx.$queryRawUnsafe<Position[]>(
        `SELECT topic, partition, next_offset FROM ${ident(schema)}.projection_position WHERE projection = $1 AND topic = $2`,
        projection,
        topic,
      );
      const rebuiltAt = new Map(rebuilt.map((p) => [p.partition, BigInt(p.next_offset)]));
      const behind = live.filter((p) => (rebuiltAt.get(p.partition) ?? 0n) < BigInt(p.next_offset)).map((p) => p.partition);
      if (behind.length > 0) return { switched: false, behind };
      await tx.$executeRawUnsafe(`CREATE SCHEMA ${ident(archive)}`);
      for (const table of PROJECTION_TABLES) {
        await tx.$executeRawUnsafe(`ALTER TABLE public.${ident(table)} SET SCHEMA ${ident(archive)}`);
        await tx.$executeRawUnsafe(`ALTER TABLE ${ident(schema)}.${ident(table)} SET SCHEMA public`);
      }
      await tx.$executeRawUnsafe(`DROP SCHEMA ${ident(schema)}`);
      return { switched: true, behind: [] };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
