// Rebuild: the real rebuild (`npm run rebuild`'s code: replay the whole topic into a fresh schema, build
// the indexes, switch over) in a separate process against the rebuild database, and its peak RSS (VmHWM).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { log, readVmHwmKb, root, settings } from "./lib.js";
import pg from "pg";
import { truncate } from "./projection.js";

/** Drops the schemas earlier rebuilds left in the bench's rebuild database (archives, failed runs). */
async function dropOldSchemas(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'optrail\\_rebuild\\_%' OR nspname LIKE 'optrail\\_archive\\_%'",
    );
    for (const { nspname } of rows) await c.query(`DROP SCHEMA "${nspname}" CASCADE`);
  } finally {
    await c.end();
  }
}

export interface RebuildFigures {
  events: number;
  seconds: number;
  perS: number;
  rssMb: number | null;
  finished: boolean;
}

/** The node flags of `npm run rebuild` (package.json: `node <flags> --import tsx ...`): the bench runs the rebuild as operators do. */
export function rebuildNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.rebuild;
  const words = script?.split(/\s+/) ?? [];
  if (words[0] !== "node" || !words.includes("--import")) throw new Error(`unexpected rebuild script: ${script}`);
  return words.slice(1, words.indexOf("--import"));
}

export async function runRebuild(topic: string): Promise<RebuildFigures> {
  await truncate(settings.rebuildDatabaseUrl); // empty live tables in their own database
  await dropOldSchemas(settings.rebuildDatabaseUrl);
  const child = spawn(process.execPath, [...rebuildNodeFlags(), "--import", "tsx", resolve(root, "bench/rebuild-child.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: settings.rebuildDatabaseUrl,
      KAFKA_BROKERS: settings.brokers.join(","),
      BENCH_REBUILD_TOPIC: topic,
      BENCH_REBUILD_TIMEOUT_S: String(settings.rebuildTimeoutS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let peakKb = 0;
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const watch = setInterval(() => {
    const kb = child.pid ? readVmHwmKb(child.pid) : null;
    if (kb && kb > peakKb) peakKb = kb;
  }, 250);
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  clearInterval(watch);
  await dropOldSchemas(settings.rebuildDatabaseUrl); // the archived (empty) tables and any half-built schema
  const indexLine = out.split("\n").find((l) => l.includes("rebuild indexes built"));
  if (indexLine) {
    const { indexes, seconds } = JSON.parse(indexLine) as { indexes: number; seconds: number };
    log(`  the rebuild built ${indexes} secondary indexes after the replay in ${seconds.toFixed(1)} s (included below)`);
  }
  const cpuLine = out.split("\n").find((l) => l.includes("rebuild process cpu"));
  if (cpuLine) {
    const { cpuSeconds } = JSON.parse(cpuLine) as { cpuSeconds: number };
    log(`  the rebuild process used ${cpuSeconds.toFixed(1)} s of CPU`);
  }
  if (process.env.BENCH_REBUILD_MEMORY) for (const l of out.split("\n").filter((x) => x.includes('"memory"'))) log(l);
  const crashes = out.split("\n").filter((l) => l.includes("consumer crashed"));
  if (crashes.length > 0)
    log(`  the rebuild's consumer crashed ${crashes.length} time(s); last: ${crashes[crashes.length - 1]!.slice(0, 500)}`);
  const line = out.split("\n").find((l) => l.startsWith("REBUILD-RESULT "));
  if (code !== 0 || !line) throw new Error(`rebuild child exited with ${code}:\n${err}\n${out.slice(-3000)}`);
  const r = JSON.parse(line.slice("REBUILD-RESULT ".length)) as {
    events: number;
    seconds: number;
    vmHwmKb: number | null;
    finished: boolean;
  };
  const kb = Math.max(r.vmHwmKb ?? 0, peakKb);
  const figures = { events: r.events, seconds: r.seconds, perS: r.events / r.seconds, rssMb: kb ? kb / 1024 : null, finished: r.finished };
  log(
    `  rebuild: ${r.events} events in ${r.seconds.toFixed(1)} s (${Math.round(figures.perS)} events/s)${r.finished ? "" : " — stopped at the time limit"}, peak RSS ${figures.rssMb?.toFixed(0)} MB`,
  );
  return figures;
}
