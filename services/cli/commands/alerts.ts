// optrail alerts [--state open|acknowledged|all]: the alerts, newest first.
import type { Command } from "../command.js";
import { jsonBlock } from "../command.js";
import { usageError } from "../errors.js";
import { dash, resultInfo, table } from "../format.js";

export interface Alert {
  id: string;
  rule: string;
  severity: string;
  title: string;
  operationId: string | null;
  callId: string | null;
  type: string | null;
  status: string | null;
  resultInfo: { code: number | null; subcode: number | null; message: string | null } | null;
  createdAt: string;
  state: string;
  ackedBy: string | null;
  ackedAt: string | null;
  ackNote: string | null;
}

const STATES = ["open", "acknowledged", "all"];

export const alerts: Command = {
  name: "alerts",
  summary: "list alerts (open ones by default)",
  usage: "optrail alerts [--state open|acknowledged|all] [--limit N] [--json]",
  help: "Lists alerts, newest first, following the API's pages up to --limit (default 100).",
  options: { state: { type: "string", default: "open" }, limit: { type: "string", default: "100" } },
  async run(ctx, values) {
    const state = String(values.state);
    if (!STATES.includes(state)) throw usageError(`--state must be one of ${STATES.join(", ")}`);
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw usageError("--limit must be a positive integer");
    const items: Alert[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.api.request<{ items: Alert[]; nextCursor: string | null }>("GET", "alerts", {
        query: { state: state === "all" ? undefined : state, cursor, limit: String(Math.min(limit - items.length, 100)) },
      });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < limit);
    if (ctx.json) {
      ctx.out(jsonBlock({ items }));
      return 0;
    }
    if (!items.length) {
      ctx.out(`no ${state === "all" ? "" : `${state} `}alerts`);
      return 0;
    }
    ctx.out(
      table(
        ["CREATED", "SEVERITY", "STATE", "ID", "OPERATION", "RESULT", "TITLE"],
        items.map((a) => [
          a.createdAt,
          a.severity,
          a.state === "acknowledged" ? `acked by ${dash(a.ackedBy)}` : a.state,
          a.id,
          dash(a.operationId),
          resultInfo(a.resultInfo),
          a.title,
        ]),
      ),
    );
    return 0;
  },
};
