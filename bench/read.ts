// Read API: GET /operations/:id (random known ids) and a filtered GET /operations, at saturation and at
// a fixed 1,000 requests/s, against the rows the projection phase wrote (services/api/main.ts, own process).
import pg from "pg";
import { load, log, port, settings, spawnTs, waitHttp, type LoadResult } from "./lib.js";

export interface ReadFigures {
  byId: { sat: LoadResult; at1k: LoadResult };
  list: { sat: LoadResult; at1k: LoadResult } | null;
  listNote?: string;
}

// The api runs as in production, so it needs a token (API_TOKENS); every request carries it.
const TOKEN = "bench-read-token";
const headers = { authorization: `Bearer ${TOKEN}` };

export const LIST_PATH = "/operations?status=completed&type=playPromptOperation&limit=50";

export async function measureRead(): Promise<ReadFigures> {
  const p = port();
  const child = spawnTs("services/api/main.ts", {
    API_PORT: String(p),
    DATABASE_URL: settings.databaseUrl,
    KAFKA_BROKERS: settings.brokers.join(","),
    API_TOKENS: TOKEN,
  });
  const url = `http://127.0.0.1:${p}`;
  // Ids of operations that are there (the projection phase may have stopped at its time limit).
  const c = new pg.Client({ connectionString: settings.databaseUrl });
  await c.connect();
  // The projection phase filled the table seconds ago, after it was truncated and analysed empty: give the
  // planner the statistics autovacuum keeps on a table in service (it would gather them within a minute).
  await c.query("ANALYZE operation");
  const ids = (await c.query<{ id: string }>("SELECT id FROM operation ORDER BY random() LIMIT 50000")).rows.map((r) => r.id);
  await c.end();
  if (ids.length === 0) throw new Error("no projected operation to read");
  const randomId = () => `/operations/${encodeURIComponent(ids[Math.floor(Math.random() * ids.length)]!)}`;
  try {
    await waitHttp(`${url}/healthz`, child);
    const probe = await fetch(`${url}${randomId()}`, { headers });
    if (probe.status !== 200) throw new Error(`GET /operations/:id answered ${probe.status} for a projected operation`);
    await load({ url, path: randomId, durationS: settings.warmupS, headers });
    const sat = await load({ url, path: randomId, headers });
    const at1k = await load({ url, path: randomId, rate: 1000, connections: 20, headers });
    log(
      `  GET /operations/:id: ${Math.round(sat.rps)} req/s (p99 ${sat.p99} ms); at 1,000/s p50 ${at1k.p50} ms, p99 ${at1k.p99} ms; non-2xx ${sat.non2xx + at1k.non2xx}`,
    );
    const listProbe = await fetch(`${url}${LIST_PATH}`, { headers });
    if (listProbe.status === 404) {
      log("  GET /operations: 404 in this tree (the list endpoint is not built yet); reported as null");
      return { byId: { sat, at1k }, list: null, listNote: "GET /operations answers 404 in this tree (not built yet)" };
    }
    if (listProbe.status !== 200) {
      return { byId: { sat, at1k }, list: null, listNote: `GET ${LIST_PATH} answered ${listProbe.status}` };
    }
    const lsat = await load({ url, path: () => LIST_PATH, headers });
    const lat1k = await load({ url, path: () => LIST_PATH, rate: 1000, connections: 20, headers });
    log(`  GET ${LIST_PATH}: ${Math.round(lsat.rps)} req/s; at 1,000/s p99 ${lat1k.p99} ms`);
    return { byId: { sat, at1k }, list: { sat: lsat, at1k: lat1k } };
  } finally {
    await child.stop();
  }
}
