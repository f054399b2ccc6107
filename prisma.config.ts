// Prisma CLI configuration. The JS schema engine (driver adapter) lets generate, migrate diff,
// migrate deploy and migrate status run offline: no native engine download is needed.
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
// @ts-expect-error -- pg ships no type declarations for its internal lib/result module
import PgResult from "pg/lib/result";
import { defineConfig } from "prisma/config";

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/optrail";
// schema.prisma reads env("DATABASE_URL"); when it is unset the CLI cannot read the generator's
// engineType and falls back to downloading a native engine. A default keeps every command offline.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

// Work-around for prisma/orm#27403: the JS schema engine reads Postgres catalog columns of types
// `"char"` (OID 18) and `name` (OID 19), which @prisma/adapter-pg 6.x refuses to map. For the CLI
// only, report them as `text` (OID 25): both arrive as text already. The app's client is untouched.
const PG_CATALOG_TEXT_OIDS = new Set([18, 19]);
const PG_TEXT_OID = 25;
type FieldDescription = { dataTypeID: number };
const resultProto = (PgResult as unknown as { prototype: { addFields(f: FieldDescription[]): void } }).prototype;
const addFields = resultProto.addFields;
resultProto.addFields = function patchedAddFields(fields: FieldDescription[]) {
  for (const field of fields) if (PG_CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = PG_TEXT_OID;
  addFields.call(this, fields);
};

// Discrete fields rather than a connectionString: the adapter's shadow database (used by
// `migrate diff --from-migrations`) overrides `database`, which a connectionString would win over.
function poolConfig(databaseUrl: string) {
  const url = new URL(databaseUrl);
  return {
    host: decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}

type PoolConfig = ReturnType<typeof poolConfig>;

// The adapter's own shadow database is dropped while its pool still holds a connection, which
// Postgres refuses. Create it here, and drop it (forcibly) after its pool has closed.
function withDisposableShadowDb(config: PoolConfig) {
  const factory = new PrismaPg(config);
  return Object.assign(factory, {
    async connectToShadowDb() {
      const database = `optrail_shadow_${randomUUID().replaceAll("-", "")}`;
      await adminQuery(config, `CREATE DATABASE "${database}"`);
      const adapter = await new PrismaPg({ ...config, database }).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await adminQuery(config, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      };
      return adapter;
    },
  });
}

async function adminQuery(config: PoolConfig, sql: string) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return withDisposableShadowDb(poolConfig(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL));
  },
});
