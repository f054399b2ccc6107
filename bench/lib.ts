// Shared pieces of the benchmark: settings, synthetic Graph data, Kafka loading, child services,
// HTTP load (autocannon) and the result record.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { Kafka, logLevel } from "kafkajs";
import { eventKey, eventsFromNotificationItem, type OptrailEvent } from "../services/core/index.js";

export const root = resolve(import.meta.dirname, "..");

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};

/** Every size and duration of the run; BENCH_SCALE multiplies the event counts. */
export const settings = (() => {
  const scale = num("BENCH_SCALE", 1);
  const runId = randomUUID().slice(0, 8);
  return {
    scale,
    runId,
    brokers: (process.env.KAFKA_BROKERS ?? "127.0.0.1:39492").split(","),
    databaseUrl: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/optrail_bench",
    rebuildDatabaseUrl: process.env.BENCH_REBUILD_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/optrail_bench_rebuild",
    projectionEvents: Math.round(num("BENCH_PROJECTION_EVENTS", 200_000) * scale),
    naiveEvents: Math.round(num("BENCH_NAIVE_EVENTS", 20_000) * scale),
    rebuildEvents: Math.round(num("BENCH_REBUILD_EVENTS", 1_000_000) * scale),
    /** Seconds per HTTP load run. */
    durationS: num("BENCH_DURATION_S", scale < 0.5 ? 4 : 8),
    /** Seconds of load before a service's measured runs (its JIT, and the broker's, reach steady state). */
    warmupS: num("BENCH_WARMUP_S", 5),
    /**
     * Seconds more for the first ingest service on the bench's fresh broker: the JVM compiles its produce
     * path (acks = all, idempotent) under that load, for ~20 s on 2 cores (broker CPU per request 91 -> 25 us).
     */
    brokerWarmupS: num("BENCH_BROKER_WARMUP_S", 15),
    connections: num("BENCH_CONNECTIONS", 32),
    /** Time limits: a run stopped there reports its rate so far (and says so). */
    projectionTimeoutS: num("BENCH_PROJECTION_TIMEOUT_S", 120),
    naiveTimeoutS: num("BENCH_NAIVE_TIMEOUT_S", 30),
    rebuildTimeoutS: num("BENCH_REBUILD_TIMEOUT_S", 300),
    logLevel: process.env.BENCH_LOG_LEVEL ?? "info",
    partitions: 12,
  };
})();

export const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export function kafkaClient(clientId = "optrail-bench"): Kafka {
  return new Kafka({ clientId, brokers: settings.brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });
}

// ---- synthetic Graph data -------------------------------------------------------------------

const STATUSES = ["notStarted", "running", "running", "completed"] as const;
const TYPES = ["playPromptOperation", "recordOperation", "cancelMediaProcessingOperation", "sendDtmfTonesOperation"];

export const callIdOf = (i: number) => `call-${settings.runId}-${(i >> 2).toString(36)}`;

export function operationId(i: number): string {
  return `op-${settings.runId}-${i.toString(36).padStart(6, "0")}`;
}

/** A Graph notification item for operation i at lifecycle step s (what Graph would POST). */
export function graphItem(i: number, step: number, opId = operationId(i), callId = callIdOf(i)) {
  const status = STATUSES[step % STATUSES.length]!;
  const failed = status === "completed" && i % 10 === 0;
  return {
    "@odata.type": "#microsoft.graph.commsNotification",
    changeType: status === "completed" ? "deleted" : "updated",
    resourceUrl: `/communications/calls/${callId}/operations/${opId}`,
    resourceData: {
      "@odata.type": `#microsoft.graph.${TYPES[i % TYPES.length]}`,
      "@odata.id": `/communications/calls/${callId}/operations/${opId}`,
      "@odata.etag": 'W/"5445"',
      id: opId,
      clientContext: `ctx-${opId}`,
      status: failed ? "failed" : status,
      ...(status === "completed"
        ? failed
          ? {
              resultInfo: {
                "@odata.type": "#microsoft.graph.resultInfo",
                code: 500,
                subcode: 9001,
                message: "Media processor unavailable.",
              },
            }
          : { resultInfo: { "@odata.type": "#microsoft.graph.resultInfo", code: 200, subcode: 0, message: "Action completed." } }
        : {}),
    },
  };
}

export function notificationBody(items: unknown[]): string {
  return JSON.stringify({ "@odata.type": "#microsoft.graph.commsNotifications", value: items });
}

interface Template {
  json: string;
  opId: string;
  eventId: string;
}
const templates = new Map<string, Template>();

/**
 * The Kafka messages ingest would have written for operations [from, to): 4 events per operation
 * (notStarted, running, the same running again = a duplicate delivery, completed|failed), interleaved
 * across operations. Built from real ingest translations (templates), ids substituted for speed.
 */
export function* eventMessages(count: number, firstOperation = 0): Generator<{ key: string; value: string }> {
  const operations = Math.ceil(count / 4);
  let produced = 0;
  for (let step = 0; step < 4; step++) {
    for (let i = firstOperation; i < firstOperation + operations; i++) {
      if (produced++ >= count) return;
      const failed = step === 3 && i % 10 === 0;
      const key = `${i % TYPES.length}:${step}:${failed}`;
      let t = templates.get(key);
      if (!t) {
        const opId = `TEMPLATE-OP-${key}`;
        const result = eventsFromNotificationItem(graphItem(i, step, opId, "TEMPLATE-CALL"), {
          receivedAt: "2026-12-04T12:00:00.000Z",
          requestId: "bench-request",
          authenticated: true,
        });
        if (!result.ok) throw new Error(`bad template: ${result.reason}`);
        const event = result.events[0] as OptrailEvent;
        t = { json: JSON.stringify(event), opId, eventId: event.meta.eventId };
        templates.set(key, t);
      }
      const opId = operationId(i);
      const eventId = createHash("sha256")
        .update(`${opId}:${step === 2 ? 1 : step}`)
        .digest("base64url")
        .slice(0, 32);
      const value = t.json.replaceAll(t.opId, opId).replaceAll(t.eventId, eventId).replaceAll("TEMPLATE-CALL", callIdOf(i));
      yield { key: opId, value };
    }
  }
}

/** Sanity: the key of a generated message is what ingest would use. */
export function keyOf(value: string): string {
  return eventKey(JSON.parse(value) as OptrailEvent);
}

export async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: settings.partitions, replicationFactor: 1 }], waitForLeaders: false });
    // A fresh broker can take a moment before its metadata shows the new partitions' leaders.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = topics[0]?.partitions ?? [];
        if (partitions.length === settings.partitions && partitions.every((p) => p.leader >= 0)) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Appends messages to a topic (acks = all, several sends in flight). */
export async function produce(kafka: Kafka, topic: string, messages: Iterable<{ key: string; value: string }>): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let n = 0;
  const inFlight = new Set<Promise<unknown>>();
  let chunk: { key: string; value: string }[] = [];
  const send = async (batch: { key: string; value: string }[]) => {
    const p = producer.send({ topic, acks: -1, messages: batch });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  for (const m of messages) {
    chunk.push(m);
    n++;
    if (chunk.length === 4000) {
      await send(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await send(chunk);
  await Promise.all(inFlight);
  await producer.disconnect();
  return n;
}

export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.filter((p) => BigInt(p.high) > 0n).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Tracks per-partition progress towards the end offsets; resolves when every partition is done. */
export function caughtUp(ends: Map<number, bigint>) {
  const remaining = new Map(ends);
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  if (remaining.size === 0) resolveDone();
  return {
    done,
    advance(partition: number, nextOffset: bigint) {
      const end = remaining.get(partition);
      if (end !== undefined && nextOffset >= end) {
        remaining.delete(partition);
        if (remaining.size === 0) resolveDone();
      }
    },
  };
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- child processes ------------------------------------------------------------------------

export interface Child {
  proc: ChildProcess;
  stop: () => Promise<void>;
  stderr: () => string;
}

/** Runs a TypeScript entry point (services/... or bench/...) in its own Node process. */
export function spawnTs(file: string, env: Record<string, string>): Child {
  let err = "";
  const proc = spawn(process.execPath, ["--import", "tsx", resolve(root, file)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: settings.logLevel, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return {
    proc,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await withDeadline(exited, 15_000, `${file} shutdown`).catch(() => proc.kill("SIGKILL"));
    },
  };
}

export async function waitHttp(url: string, child?: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.proc.exitCode !== null) throw new Error(`${url}: the process exited (${child.proc.exitCode}):\n${child.stderr()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Below Linux's ephemeral range (32768-60999): the load generator's thousands of outgoing sockets (and their
// TIME_WAIT) took one of the 40k-45k ports a service was about to listen on (EADDRINUSE).
let nextPort = 20_000 + Math.floor(Math.random() * 8000);
export const port = () => nextPort++;

export function readVmHwmKb(pid: number | "self"): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// ---- HTTP load --------------------------------------------------------------------------------

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  /** Builds the request body (POST) or path (GET) for each request. */
  body?: () => string;
  path?: () => string;
  rate?: number;
  connections?: number;
  durationS?: number;
  onResponse?: (status: number, context: Record<string, unknown>) => void;
  setup?: (context: Record<string, unknown>) => void;
  /** Send `context.body` (set by `setup`) as the body. */
  bodyFromContext?: boolean;
  /** Extra request headers (e.g. the read API's bearer token). */
  headers?: Record<string, string>;
}

/** One autocannon run: saturation when no rate is given, otherwise a fixed overall rate (req/s). */
export function load(o: LoadOptions): Promise<LoadResult> {
  const method = o.method ?? "GET";
  return new Promise((resolvePromise, reject) => {
    autocannon(
      {
        url: o.url,
        connections: o.connections ?? settings.connections,
        duration: o.durationS ?? settings.durationS,
        ...(o.rate ? { overallRate: o.rate } : {}),
        requests: [
          {
            method,
            headers: { "content-type": "application/json", ...o.headers },
            setupRequest: (req: any, context: any) => {
              o.setup?.(context);
              const out = { ...req };
              if (o.body) out.body = o.body();
              if (o.bodyFromContext) out.body = context.body;
              if (o.path) out.path = o.path();
              return out;
            },
            ...(o.onResponse ? { onResponse: (status: number, _body: string, context: any) => o.onResponse?.(status, context) } : {}),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolvePromise({
          rps: result.requests.total / Math.max(result.duration, 0.001),
          p50: result.latency.p50,
          p99: result.latency.p99,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
  });
}

// ---- results ----------------------------------------------------------------------------------

export interface Figure {
  value: number | null;
  unit: string;
  target?: string;
  met?: boolean | null;
  note?: string;
  [baseline: string]: unknown;
}

export const round = (n: number | null | undefined, digits = 1): number | null =>
  n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;
export const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : round(a / b, a / b < 0.1 ? 3 : 2);
