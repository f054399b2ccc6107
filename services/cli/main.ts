// Entry point of `npx optrail` (bin/optrail.mjs runs this file through tsx).
import { runCli } from "./cli.js";

const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => controller.abort());

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  signal: controller.signal,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
