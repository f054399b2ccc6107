// End to end: from the 202 of POST /graph/notifications to the operation being visible to
// GET /operations/:id, at a fixed 1,000 notifications/s, through the real optrail process
// (services/main.ts: ingest + projector + api). "Visible" is detected by polling Postgres (the row
// GET /operations/:id reads, no cache in between) every ~5 ms for the ids still pending, which
// costs far less than polling the API per id; each id is confirmed once through the API afterwards.
import pg from "pg";
import { graphItem, load, log, notificationBody, port, settings, spawnTs, waitHttp, operationId } from "./lib.js";

export interface E2eFigures {
  p50: number | null;
  p99: number | null;
  posted: number;
  seen: number;
  rps: number;
  confirmedByApi: boolean;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function measureE2e(): Promise<E2eFigures> {
  const [apiPort, ingestPort, projectorPort] = [port(), port(), port()];
  const topic = `bench.e2e.${settings.runId}`;
  const child = spawnTs("services/main.ts", {
    API_PORT: String(apiPort),
    INGEST_PORT: String(ingestPort),
    PROJECTOR_PORT: String(projectorPort),
    KAFKA_BROKERS: settings.brokers.join(","),
    KAFKA_TOPIC: topic,
    KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
    PROJECTOR_GROUP_ID: `bench-e2e-${settings.runId}`,
    PROJECTION_NAME: `bench-e2e-${settings.runId}`,
    DATABASE_URL: settings.databaseUrl,
    NODE_ENV: "development",
  });
  const api = `http://127.0.0.1:${apiPort}`;
  const ingest = `http://127.0.0.1:${ingestPort}`;
  const sent = new Map<string, number>();
  const seen = new Map<string, number>();
  const db = new pg.Client({ connectionString: settings.databaseUrl });
  let polling = true;
  try {
    await waitHttp(`${api}/healthz`, child);
    await waitHttp(`${ingest}/healthz`, child);
    await db.connect();
    // Warm-up: one operation through the whole path (the projector has joined its group once it shows).
    const warm = operationId(20_000_000);
    await fetch(`${ingest}/graph/notifications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: notificationBody([graphItem(20_000_000, 1)]),
    });
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${api}/operations/${warm}`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`e2e warm-up: ${warm} never became visible\n${child.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    let stopAt = Number.POSITIVE_INFINITY;
    // Only the ids still pending are asked for: a set, so the poll costs the load generator (same process) little.
    const pending = new Set<string>();
    const poller = (async () => {
      while (polling || pending.size > 0) {
        if (pending.size > 0) {
          const { rows } = await db.query<{ id: string }>("SELECT id FROM operation WHERE id = ANY($1)", [[...pending]]);
          const at = performance.now();
          for (const r of rows) {
            seen.set(r.id, at);
            pending.delete(r.id);
          }
        }
        if (!polling && Date.now() > stopAt) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let n = 30_000_000;
    const result = await load({
      url: `${ingest}/graph/notifications`,
      method: "POST",
      rate: 1000,
      // 20 req/s per connection: a POST may take up to 50 ms before its connection falls behind the rate
      // (with 20 connections, 20 ms: the run offered 765-950 POSTs/s, not 1,000).
      connections: 50,
      setup: (context) => {
        const i = n++;
        context.opId = operationId(i);
        context.body = notificationBody([graphItem(i, 3)]);
      },
      bodyFromContext: true,
      onResponse: (status, context) => {
        if (status !== 202) return;
        sent.set(context.opId as string, performance.now());
        pending.add(context.opId as string);
      },
    });
    polling = false;
    stopAt = Date.now() + 15_000;
    await poller;
    const latencies = [...sent.entries()].filter(([id]) => seen.has(id)).map(([id, t]) => Math.max(0, seen.get(id)! - t));
    latencies.sort((a, b) => a - b);
    // Confirm through the read API that what Postgres shows is what GET /operations/:id answers.
    const sample = [...seen.keys()].slice(0, 20);
    const confirmed = (await Promise.all(sample.map((id) => fetch(`${api}/operations/${id}`).then((r) => r.status)))).every(
      (s) => s === 200,
    );
    const figures = {
      p50: latencies.length ? Math.round(percentile(latencies, 50)! * 10) / 10 : null,
      p99: latencies.length ? Math.round(percentile(latencies, 99)! * 10) / 10 : null,
      posted: sent.size,
      seen: latencies.length,
      rps: result.rps,
      confirmedByApi: confirmed,
    };
    log(
      `  e2e at ${Math.round(result.rps)}/s: p50 ${figures.p50} ms, p99 ${figures.p99} ms, ${figures.seen}/${figures.posted} seen, non-2xx ${result.non2xx}; the POSTs' own p50 ${result.p50} ms, p99 ${result.p99} ms`,
    );
    return figures;
  } finally {
    polling = false;
    await db.end().catch(() => undefined);
    await child.stop();
  }
}
