// The rebuild's tables: a fresh schema with copies of the projection tables (same columns, defaults,
// indexes and index names, own sequences), and the switch-over that swaps them into public.
import type { Db, Tx } from "../platform/db.js";

/** The projection's tables: everything derived from the topic. Other tables are never touched. */
export const PROJECTION_TABLES = ["operation", "operation_event", "projection_position", "dead_letter"] as const;

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid identifier ${name}`);
  return `"${name}"`;
};

/**
 * Creates `schema` with empty copies of the projection tables: columns, defaults, own sequences, primary
 * keys and unique indexes (the writer's ON CONFLICT targets). The other indexes are built once the replay
 * has caught up (createDeferredIndexes): one sort per index instead of an index update per written row.
 */
export async function createRebuildSchema(db: Db, schema: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`CREATE SCHEMA ${ident(schema)}`);
    for (const table of PROJECTION_TABLES) {
      await tx.$executeRawUnsafe(
        `CREATE TABLE ${ident(schema)}.${ident(table)} (LIKE public.${ident(table)} INCLUDING ALL EXCLUDING INDEXES)`,
      );
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
    for (const index of await publicIndexes(tx)) {
      if (!index.unique) continue;
      await tx.$executeRawUnsafe(index.createIn(schema));
      if (index.primaryKey)
        await tx.$executeRawUnsafe(
          `ALTER TABLE ${ident(schema)}.${ident(index.table)} ADD CONSTRAINT ${ident(index.name)} PRIMARY KEY USING INDEX ${ident(index.name)}`,
        );
    }
  });
}

/**
 * Builds the projection tables' other indexes in `schema` (same definitions and names as public's),
 * skipping any already there, then analyses the tables. Returns the names of the indexes built.
 */
export async function createDeferredIndexes(db: Db, schema: string): Promise<string[]> {
  return db.$transaction(
    async (tx) => {
      // A sort in memory per index rather than spilling to disk (this transaction only).
      await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '256MB'`);
      const present = new Set(
        (await tx.$queryRaw<{ indexname: string }[]>`SELECT indexname::text FROM pg_indexes WHERE schemaname = ${schema}`).map(
          (r) => r.indexname,
        ),
      );
      const built: string[] = [];
      for (const index of await publicIndexes(tx)) {
        if (index.unique || present.has(index.name)) continue;
        await tx.$executeRawUnsafe(index.createIn(schema));
        built.push(index.name);
      }
      // Statistics too: tables switched in without them get the plans of empty tables until autovacuum
      // comes by (a list filtered by type and status took 80 ms instead of 0.6 ms on 50k operations).
      for (const table of PROJECTION_TABLES) await tx.$executeRawUnsafe(`ANALYZE ${ident(schema)}.${ident(table)}`);
      return built;
    },
    { timeout: 3_600_000, maxWait: 10_000 },
  );
}

interface IndexDefinition {
  name: string;
  table: string;
  unique: boolean;
  primaryKey: boolean;
  /** The CREATE INDEX statement for the same table in another schema. */
  createIn(schema: string): string;
}

/** The indexes of public's projection tables, as pg_indexes shows them. */
async function publicIndexes(tx: Tx): Promise<IndexDefinition[]> {
  const rows = await tx.$queryRaw<{ indexname: string; tablename: string; indexdef: string; pk: boolean }[]>`SELECT i.indexname::text,
      i.tablename::text, i.indexdef, EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('public.%I', i.indexname)::regclass
        AND c.contype = 'p') AS pk
    FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = ANY(${[...PROJECTION_TABLES]}::text[]) ORDER BY i.indexname`;
  return rows.map((r) => ({
    name: r.indexname,
    table: r.tablename,
    unique: r.indexdef.startsWith("CREATE UNIQUE INDEX"),
    primaryKey: r.pk,
    createIn: (schema: string) => {
      const on = ` ON public.${r.tablename} `;
      if (!r.indexdef.includes(on)) throw new Error(`unexpected index definition: ${r.indexdef}`);
      return r.indexdef.replace(on, ` ON ${ident(schema)}.${ident(r.tablename)} `);
    },
  }));
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
