// `npm run bench` (through bench/run.sh, which starts Kafka and prepares the databases): loads data,
// measures every figure beside its baselines measured in the same run, prints a table and writes
// bench/results.json. BENCH_SCALE (default 1) scales the event counts; BENCH_ONLY=projection,read,
// ingest,e2e,rebuild runs a subset.
import { writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { measureE2e, type E2eFigures } from "./e2e.js";
import { measureIngest, type IngestFigures } from "./ingest.js";
import { createTopic, eventMessages, kafkaClient, log, produce, ratio, root, round, settings, type Figure } from "./lib.js";
import { closeNaiveDb, measureProjection, type ProjectionFigures } from "./projection.js";
import { measureRead, type ReadFigures } from "./read.js";
import { runRebuild, type RebuildFigures } from "./rebuild.js";

const only = new Set((process.env.BENCH_ONLY ?? "projection,read,ingest,e2e,rebuild").split(",").map((s) => s.trim()));
const startedAt = new Date();
const t0 = performance.now();
const loadAtStart = loadavg();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Linux ${release()}, Node ${process.version}`;
log(
  `machine: ${machine}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; scale ${settings.scale}; run ${settings.runId}`,
);

const kafka = kafkaClient();
let projection: ProjectionFigures | undefined;
let read: ReadFigures | undefined;
let ingest: IngestFigures | undefined;
let e2e: E2eFigures | undefined;
let rebuild: RebuildFigures | undefined;

/** A phase that fails leaves its figures null (with the error as a note); the others still run. */
const failures: Record<string, string> = {};
async function phase<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    failures[name] = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    log(`${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return undefined;
  }
}

if (only.has("projection") || only.has("read")) {
  projection = await phase("projection", async () => {
    const topic = `bench.projection.${settings.runId}`;
    const naiveTopic = `bench.naive.${settings.runId}`;
    await createTopic(kafka, topic);
    await createTopic(kafka, naiveTopic);
    log(`loading ${settings.projectionEvents} events into ${topic} and ${settings.naiveEvents} into ${naiveTopic}`);
    const t = performance.now();
    await produce(kafka, topic, eventMessages(settings.projectionEvents));
    await produce(kafka, naiveTopic, eventMessages(settings.naiveEvents, 5_000_000));
    log(`  loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    try {
      return await measureProjection(kafka, topic, naiveTopic);
    } finally {
      await closeNaiveDb();
    }
  });
}
if (only.has("read")) {
  log("read API");
  read = await phase("read", measureRead);
}
if (only.has("ingest")) ingest = await phase("ingest", measureIngest);
if (only.has("e2e")) {
  log("end to end at 1,000/s");
  e2e = await phase("e2e", measureE2e);
}
if (only.has("rebuild")) {
  rebuild = await phase("rebuild", async () => {
    const topic = `bench.rebuild.${settings.runId}`;
    await createTopic(kafka, topic);
    log(`loading ${settings.rebuildEvents} events into ${topic}`);
    const t = performance.now();
    await produce(kafka, topic, eventMessages(settings.rebuildEvents, 50_000_000));
    log(`  loaded in ${((performance.now() - t) / 1000).toFixed(1)} s; rebuilding in a separate process`);
    return runRebuild(topic);
  });
}

// ---- figures ----------------------------------------------------------------------------------
const figures: Record<string, Figure> = {};
const met = (ok: boolean | null) => ok;
if (projection) {
  const p = projection;
  const rn = ratio(p.projector.perS, p.naive.perS);
  const rl = ratio(p.projector.perS, p.limit.perS);
  figures.projection_events_per_s = {
    value: round(p.projector.perS, 0),
    unit: "events/s",
    events: p.projector.events,
    naive: round(p.naive.perS, 0),
    naive_events: p.naive.events,
    limit: round(p.limit.perS, 0),
    raw_consumer: round(p.consumer.perS, 0),
    ratio_vs_naive: rn,
    ratio_vs_limit: rl,
    ratio_vs_raw_consumer: ratio(p.projector.perS, p.consumer.perS),
    ...(p.projector.finished && p.naive.finished
      ? {}
      : {
          note: `time-limited: projector ${p.projector.events}/${settings.projectionEvents} events${p.projector.finished ? "" : " (stopped)"}, naive ${p.naive.events}/${settings.naiveEvents}${p.naive.finished ? "" : " (stopped)"}; rates are over the events applied`,
        }),
    target: "≥ 25× naive and ≥ 0.5× limit",
    met: met(rn !== null && rl !== null && rn >= 25 && rl >= 0.5),
  };
}
if (ingest) {
  const i = ingest;
  const r = ratio(i.batched.sat1.rps, i.bare.rps);
  figures.ingest_per_s = {
    value: round(i.batched.sat1.rps, 0),
    unit: "notifications/s (1 per POST)",
    bare_http: round(i.bare.rps, 0),
    ratio_vs_bare_http: r,
    unbatched: round(i.unbatched.sat1.rps, 0),
    ratio_vs_unbatched: ratio(i.batched.sat1.rps, i.unbatched.sat1.rps),
    p50_ms: i.batched.sat1.p50,
    p99_ms: i.batched.sat1.p99,
    non2xx: i.batched.sat1.non2xx,
    target: "≥ 0.5× bare HTTP",
    met: met(r !== null && r >= 0.5),
  };
  const b20 = i.batched.sat20.rps * 20;
  figures.ingest_batch20_per_s = {
    value: round(b20, 0),
    unit: "notifications/s (20 per POST)",
    unbatched: round(i.unbatched.sat20.rps * 20, 0),
    ratio_vs_unbatched: ratio(b20, i.unbatched.sat20.rps * 20),
    bare_http: round(i.bare.rps, 0),
    ratio_vs_bare_http: ratio(b20, i.bare.rps),
    p99_ms: i.batched.sat20.p99,
    non2xx: i.batched.sat20.non2xx,
    target: "≥ 20,000",
    met: met(b20 >= 20_000),
  };
  figures.ingest_p50_ms_at_1k = {
    value: i.batched.at1k.p50,
    unit: "ms",
    unbatched: i.unbatched.at1k.p50,
    achieved_rps: round(i.batched.at1k.rps, 0),
  };
  figures.ingest_p99_ms_at_1k = {
    value: i.batched.at1k.p99,
    unit: "ms",
    unbatched: i.unbatched.at1k.p99,
    ratio_vs_unbatched: ratio(i.batched.at1k.p99, i.unbatched.at1k.p99),
    achieved_rps: round(i.batched.at1k.rps, 0),
    non2xx: i.batched.at1k.non2xx,
    target: "< 50 ms",
    met: met(i.batched.at1k.p99 < 50),
  };
}
if (e2e) {
  figures.e2e_p50_ms_at_1k = { value: e2e.p50, unit: "ms", seen: e2e.seen, posted: e2e.posted };
  figures.e2e_p99_ms_at_1k = {
    value: e2e.p99,
    unit: "ms",
    achieved_rps: round(e2e.rps, 0),
    seen: e2e.seen,
    posted: e2e.posted,
    confirmed_by_api: e2e.confirmedByApi,
    target: "< 500 ms",
    met: met(e2e.p99 !== null && e2e.p99 < 500 && e2e.seen === e2e.posted),
  };
}
if (read) {
  figures.read_rps = {
    value: round(read.byId.sat.rps, 0),
    unit: "req/s GET /operations/:id",
    p99_ms: read.byId.sat.p99,
    non2xx: read.byId.sat.non2xx,
    target: "≥ 3,000",
    met: met(read.byId.sat.rps >= 3000),
  };
  figures.read_p99_ms_at_1k = {
    value: read.byId.at1k.p99,
    unit: "ms",
    p50_ms: read.byId.at1k.p50,
    achieved_rps: round(read.byId.at1k.rps, 0),
    target: "< 20 ms",
    met: met(read.byId.at1k.p99 < 20),
  };
  figures.read_list_rps = {
    value: read.list ? round(read.list.sat.rps, 0) : null,
    unit: "req/s filtered GET /operations",
    p99_ms_at_1k: read.list?.at1k.p99 ?? null,
    ...(read.listNote ? { note: read.listNote } : {}),
  };
}
if (rebuild) {
  const oneM = 1_000_000 / rebuild.perS;
  const extrapolated = rebuild.events !== 1_000_000 || !rebuild.finished;
  figures.rebuild_1m_s = {
    value: round(oneM, 1),
    unit: "s for 1M events",
    measured_events: rebuild.events,
    measured_s: round(rebuild.seconds, 1),
    events_per_s: round(rebuild.perS, 0),
    ...(projection
      ? { projection_limit: round(projection.limit.perS, 0), ratio_vs_limit: ratio(rebuild.perS, projection.limit.perS) }
      : {}),
    ...(extrapolated
      ? { note: `extrapolated from ${rebuild.events} events${rebuild.finished ? "" : " (stopped at BENCH_REBUILD_TIMEOUT_S)"}` }
      : {}),
    target: "< 90 s",
    met: met(oneM < 90),
  };
  figures.rebuild_rss_mb = {
    value: round(rebuild.rssMb, 0),
    unit: "MB peak RSS (VmHWM)",
    measured_events: rebuild.events,
    target: "< 400 MB",
    met: met(rebuild.rssMb !== null && rebuild.rssMb < 400),
  };
}

const failedFigures: Record<string, [string, string][]> = {
  projection: [["projection_events_per_s", "events/s"]],
  read: [
    ["read_rps", "req/s GET /operations/:id"],
    ["read_p99_ms_at_1k", "ms"],
  ],
  ingest: [
    ["ingest_per_s", "notifications/s (1 per POST)"],
    ["ingest_batch20_per_s", "notifications/s (20 per POST)"],
    ["ingest_p99_ms_at_1k", "ms"],
  ],
  e2e: [["e2e_p99_ms_at_1k", "ms"]],
  rebuild: [
    ["rebuild_1m_s", "s for 1M events"],
    ["rebuild_rss_mb", "MB peak RSS (VmHWM)"],
  ],
};
for (const [name, error] of Object.entries(failures)) {
  for (const [figure, unit] of failedFigures[name] ?? [])
    figures[figure] = { value: null, unit, met: null, note: `phase failed: ${error}` };
}

const results = {
  machine,
  at: startedAt.toISOString(),
  scale: settings.scale,
  load_average_at_start: loadAtStart.map((l) => round(l, 2)),
  load_average_at_end: loadavg().map((l) => round(l, 2)),
  duration_s: round((performance.now() - t0) / 1000, 0),
  figures,
};
writeFileSync(resolve(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);

// ---- table ------------------------------------------------------------------------------------
const fmt = (v: unknown) => (v === null || v === undefined ? "null" : typeof v === "number" ? v.toLocaleString("en-US") : String(v));
const baselineKeys = ["naive", "limit", "raw_consumer", "bare_http", "unbatched", "projection_limit"];
const ratioKeys = ["ratio_vs_naive", "ratio_vs_limit", "ratio_vs_raw_consumer", "ratio_vs_bare_http", "ratio_vs_unbatched"];
const rows = Object.entries(figures).map(([name, f]) => [
  name,
  `${fmt(f.value)} ${f.unit.split(" ")[0]}`,
  baselineKeys
    .filter((k) => f[k] !== undefined)
    .map((k) => `${k} ${fmt(f[k])}`)
    .join(", "),
  ratioKeys
    .filter((k) => f[k] !== undefined)
    .map((k) => `${k.replace("ratio_vs_", "")} ${fmt(f[k])}×`)
    .join(", "),
  f.target ?? "",
  f.met === undefined ? "" : f.met === null ? "n/a" : f.met ? "yes" : "NO",
]);
const header = ["figure", "value", "baseline(s)", "ratio", "target", "met?"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
const table = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
process.stdout.write(`\noptrail bench — ${machine}\n${results.at}, scale ${settings.scale}, ${results.duration_s} s\n\n${table}\n\n`);
for (const [name, f] of Object.entries(figures)) if (f.note) process.stdout.write(`note ${name}: ${f.note}\n`);
process.stdout.write("results: bench/results.json\n");
process.exit(0);
