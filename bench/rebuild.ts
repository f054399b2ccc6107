// Rebuild: replay the whole topic into empty tables with the real projector in a separate process, and
// read its peak RSS (VmHWM). Isolated here so it can call `npm run rebuild` once that command exists.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { log, readVmHwmKb, root, settings } from "./lib.js";
import { truncate } from "./projection.js";

export interface RebuildFigures {
  events: number;
  seconds: number;
  perS: number;
  rssMb: number | null;
  finished: boolean;
}

export async function runRebuild(topic: string): Promise<RebuildFigures> {
  await truncate(settings.rebuildDatabaseUrl); // fresh, empty projection tables in their own database
  const child = spawn(process.execPath, ["--import", "tsx", resolve(root, "bench/rebuild-child.ts")], {
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
