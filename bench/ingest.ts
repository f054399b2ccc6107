// Ingest: notifications/s through POST /graph/notifications (202 = acknowledged by Kafka, acks = all),
// one and twenty items per POST, at saturation and at a fixed 1,000 requests/s; beside the bare Express
// limit, and beside ingest with micro-batching off (the code before this benchmark's fast path).
import { graphItem, load, log, notificationBody, port, settings, spawnTs, waitHttp, type LoadResult } from "./lib.js";

let counter = 0;
/** A body of `items` notifications about fresh operations (so every event is new). */
export function freshBody(items: number): string {
  const list = [];
  for (let k = 0; k < items; k++) {
    const i = 10_000_000 + counter++;
    list.push(graphItem(i, 1 + (i % 3)));
  }
  return notificationBody(list);
}

export interface IngestFigures {
  bare: LoadResult;
  batched: { sat1: LoadResult; at1k: LoadResult; sat20: LoadResult };
  unbatched: { sat1: LoadResult; at1k: LoadResult; sat20: LoadResult };
}

function describe(name: string, r: LoadResult, items = 1) {
  log(
    `  ${name}: ${Math.round(r.rps * items)} notifications/s (${Math.round(r.rps)} req/s), p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`,
  );
}

async function measureService(env: Record<string, string>, label: string, warmupS: number) {
  const p = port();
  const child = spawnTs("services/ingest/main.ts", {
    INGEST_PORT: String(p),
    KAFKA_BROKERS: settings.brokers.join(","),
    KAFKA_TOPIC: `bench.ingest.${settings.runId}`,
    KAFKA_DEAD_LETTER_TOPIC: `bench.ingest.${settings.runId}.dlq`,
    NODE_ENV: "development",
    ...env,
  });
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitHttp(`${url}/healthz`, child);
    await load({ url: `${url}/graph/notifications`, method: "POST", body: () => freshBody(1), durationS: warmupS }); // warm-up
    const sat1 = await load({ url: `${url}/graph/notifications`, method: "POST", body: () => freshBody(1) });
    describe(`${label}, 1 item/POST, saturation`, sat1);
    const at1k = await load({ url: `${url}/graph/notifications`, method: "POST", body: () => freshBody(1), rate: 1000, connections: 20 });
    describe(`${label}, 1 item/POST, 1,000/s`, at1k);
    const sat20 = await load({ url: `${url}/graph/notifications`, method: "POST", body: () => freshBody(20) });
    describe(`${label}, 20 items/POST, saturation`, sat20, 20);
    return { sat1, at1k, sat20 };
  } finally {
    await child.stop();
  }
}

export async function measureIngest(): Promise<IngestFigures> {
  log("ingest: bare Express handler (HTTP limit)");
  const p = port();
  const bareChild = spawnTs("bench/baselines/bare-http.ts", { BARE_PORT: String(p) });
  let bare: LoadResult;
  try {
    await waitHttp(`http://127.0.0.1:${p}/healthz`, bareChild);
    await load({ url: `http://127.0.0.1:${p}/graph/notifications`, method: "POST", body: () => freshBody(1), durationS: settings.warmupS });
    bare = await load({ url: `http://127.0.0.1:${p}/graph/notifications`, method: "POST", body: () => freshBody(1) });
    describe("bare Express, 1 item/POST, saturation", bare);
  } finally {
    await bareChild.stop();
  }
  log("ingest: optrail ingest, micro-batching on (defaults)");
  // The first service on the broker also warms the broker (see settings.brokerWarmupS).
  const batched = await measureService({}, "ingest batched", settings.warmupS + settings.brokerWarmupS);
  log("ingest: optrail ingest, micro-batching off (INGEST_BATCH_MAX_MESSAGES=0)");
  const unbatched = await measureService({ INGEST_BATCH_MAX_MESSAGES: "0" }, "ingest unbatched", settings.warmupS);
  return { bare, batched, unbatched };
}
