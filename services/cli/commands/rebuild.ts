// optrail rebuild: runs the projector's rebuild command (services/projector/rebuild.ts) as a child
// process; it prints its own progress bar (events/s, ETA). The one command that is not an API call:
// it needs the same DATABASE_URL and KAFKA_* settings as the projector.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "../command.js";
import { CliError, EXIT } from "../errors.js";

export const REBUILD_SCRIPT = fileURLToPath(new URL("../../projector/rebuild.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const rebuild: Command = {
  name: "rebuild",
  summary: "rebuild the projection from the Kafka topic (runs services/projector/rebuild.ts)",
  usage: "optrail rebuild [-- <options of the rebuild command>]",
  help: "Replays the event topic into Postgres with a progress bar (events/s, ETA). Uses the environment's\nDATABASE_URL and KAFKA_* settings. Arguments after -- go to the rebuild command itself\n(optrail rebuild -- --help shows them). Exits with the rebuild command's exit code.",
  options: {},
  async run(ctx, _values, args) {
    if (!existsSync(REBUILD_SCRIPT)) {
      throw new CliError(EXIT.unavailable, `the rebuild command is not in this tree: ${REBUILD_SCRIPT} does not exist`);
    }
    const child = spawn(process.execPath, ["--import", "tsx", REBUILD_SCRIPT, ...args], { cwd: REPO_ROOT, stdio: "inherit", env: ctx.env });
    const onAbort = () => child.kill("SIGINT");
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    return new Promise((resolve, reject) => {
      child.once("error", (err) => reject(new CliError(EXIT.unavailable, `cannot run the rebuild command: ${err.message}`)));
      child.once("exit", (code, signal) => {
        ctx.signal.removeEventListener("abort", onAbort);
        resolve(code ?? (signal ? EXIT.unavailable : 0));
      });
    });
  },
};
