// optrail tail: follows /operations/stream and /alerts/stream, one line per status change or alert.
import type { Command } from "../command.js";
import { jsonLine } from "../command.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { dash, resultInfo } from "../format.js";
import { readSse } from "../sse.js";
import type { Alert } from "./alerts.js";
import type { OperationView } from "./status.js";

const STREAMS = {
  operations: { path: "operations/stream", event: "operation" },
  alerts: { path: "alerts/stream", event: "alert" },
} as const;
type StreamName = keyof typeof STREAMS;

function operationLine(op: OperationView): string {
  return [
    op.lastChangedAt,
    "operation",
    op.id,
    op.type.replace(/Operation$/, "").padEnd(20),
    op.status.padEnd(10),
    dash(op.outcome).padEnd(9),
    resultInfo(op.resultInfo),
  ].join("  ");
}

function alertLine(a: Alert): string {
  return [a.createdAt, "alert    ", a.id, a.severity.padEnd(20), a.state.padEnd(10), dash(a.operationId), a.title].join("  ");
}

const RETRY_MS = 2000;

export const tail: Command = {
  name: "tail",
  summary: "follow status changes and alerts as they happen",
  usage: "optrail tail [--only operations|alerts] [--json]",
  help: "Prints one line per operation status change (/operations/stream) and per alert (/alerts/stream)\nuntil Ctrl-C. With --json, one JSON object per line: {stream, event, data}. A dropped stream is\nreconnected; a stream the API does not have is reported once and skipped.",
  options: { only: { type: "string" } },
  async run(ctx, values) {
    const only = values.only as string | undefined;
    if (only !== undefined && !(only in STREAMS)) throw usageError("--only must be operations or alerts");
    const names = (only ? [only] : Object.keys(STREAMS)) as StreamName[];

    const follow = async (name: StreamName): Promise<CliError | undefined> => {
      const { path, event } = STREAMS[name];
      let connectedOnce = false;
      while (!ctx.signal.aborted) {
        try {
          for await (const msg of readSse(ctx.api, path, ctx.signal, () => (connectedOnce = true))) {
            if (msg.event !== event) continue;
            let data: unknown;
            try {
              data = JSON.parse(msg.data);
            } catch {
              continue;
            }
            ctx.out(
              ctx.json
                ? jsonLine({ stream: name, event: msg.event, data })
                : name === "alerts"
                  ? alertLine(data as Alert)
                  : operationLine(data as OperationView),
            );
          }
          if (ctx.signal.aborted) return undefined;
          ctx.err(`optrail: ${path} ended; reconnecting`);
        } catch (err) {
          const e = err instanceof CliError ? err : new CliError(EXIT.unavailable, String(err));
          if (!connectedOnce) {
            ctx.err(`optrail: ${e.message}`);
            return e;
          }
          ctx.err(`optrail: ${path} dropped (${e.message}); reconnecting`);
        }
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
      return undefined;
    };

    const outcomes = await Promise.all(names.map(follow));
    const failures = outcomes.filter((e): e is CliError => e !== undefined);
    if (ctx.signal.aborted) return EXIT.ok;
    if (failures.length === names.length) return failures[0]?.exitCode ?? EXIT.unavailable;
    return EXIT.ok;
  },
};
