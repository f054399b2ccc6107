// The projector as a separate OS process (services/projector/main.ts), for crash tests (kill -9).
import { spawn, type ChildProcess } from "node:child_process";
import { eventually } from "./db.js";
import { freePort } from "./stack.js";

export interface ProjectorProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends the signal and waits for the exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function spawnProjector(env: Record<string, string>): Promise<ProjectorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "services/projector/main.ts"], {
    env: { ...process.env, PROJECTOR_PORT: String(port), LOG_LEVEL: process.env.PROJECTOR_LOG_LEVEL ?? "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`projector exited with ${child.exitCode}:\n${out}`);
      return (await fetch(`${url}/healthz`)).ok ? true : undefined;
    },
    60_000,
    200,
  ).catch((err) => {
    child.kill("SIGKILL");
    throw err;
  });
  return {
    child,
    url,
    output: () => out,
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
