// optrail history <operationId>: every event of an operation, in order.
import type { Command } from "../command.js";
import { jsonBlock } from "../command.js";
import { usageError } from "../errors.js";
import { dash, resultInfo, table } from "../format.js";

interface HistoryEvent {
  eventId: string;
  source: string;
  status: string | null;
  statusBefore: string | null;
  statusAfter: string | null;
  resultInfo: { code: number | null; subcode: number | null; message: string | null } | null;
  duplicate: boolean;
  conflict: boolean;
  stale: boolean;
  authenticated: boolean;
  receivedAt: string;
  kafka: { topic: string; partition: number; offset: string };
}

function change(e: HistoryEvent): string {
  if (!e.statusAfter || e.statusBefore === e.statusAfter) return `${dash(e.statusAfter ?? e.status)} (unchanged)`;
  return `${e.statusBefore ?? "new"} -> ${e.statusAfter}`;
}

function flags(e: HistoryEvent): string {
  const f = [e.duplicate && "duplicate", e.conflict && "conflict", e.stale && "stale", !e.authenticated && "unauthenticated"].filter(
    Boolean,
  );
  return f.length ? f.join(",") : "-";
}

export const history: Command = {
  name: "history",
  summary: "every event of an operation, in order",
  usage: "optrail history <operationId> [--json]",
  help: "One line per event: received time, status change, reported status, resultInfo, flags\n(duplicate, conflict, stale, unauthenticated), source and Kafka partition/offset.\nExit 2 when the API does not know the operation.",
  options: {},
  async run(ctx, _values, [id]) {
    if (!id) throw usageError("history needs an operation id");
    const h = await ctx.api.request<{ operationId: string; callId: string | null; events: HistoryEvent[] }>(
      "GET",
      `operations/${encodeURIComponent(id)}/history`,
    );
    if (ctx.json) {
      ctx.out(jsonBlock(h));
      return 0;
    }
    ctx.out(`operation ${h.operationId}  call ${dash(h.callId)}  ${h.events.length} event${h.events.length === 1 ? "" : "s"}`);
    ctx.out(
      table(
        ["RECEIVED", "CHANGE", "REPORTED", "RESULT", "FLAGS", "SOURCE", "KAFKA"],
        h.events.map((e) => [
          e.receivedAt,
          change(e),
          dash(e.status),
          resultInfo(e.resultInfo),
          flags(e),
          e.source,
          `${e.kafka.partition}/${e.kafka.offset}`,
        ]),
      ),
    );
    return 0;
  },
};
