// Runs the real optrail process (services/main.ts: ingest + projector + api) for end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { uniqueTopic } from "./env.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface Stack {
  ingestUrl: string;
  apiUrl: string;
  projectorUrl: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const [api, ingest, projector] = [await freePort(), await freePort(), await freePort()];
  const topic = uniqueTopic("e2e");
  const child = spawn(process.execPath, ["--import", "tsx", "services/main.ts"], {
    env: {
      ...process.env,
      API_PORT: String(api),
      INGEST_PORT: String(ingest),
      PROJECTOR_PORT: String(projector),
      KAFKA_TOPIC: topic,
      KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
      PROJECTOR_GROUP_ID: `g-${topic}`,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`optrail did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes("optrail is running")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`optrail exited with ${code} before starting:\n${out}`));
    });
  });
  return {
    ingestUrl: `http://127.0.0.1:${ingest}`,
    apiUrl: `http://127.0.0.1:${api}`,
    projectorUrl: `http://127.0.0.1:${projector}`,
    child,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
