// optrail status <operationId>: the current state of one operation.
import type { Command } from "../command.js";
import { jsonBlock } from "../command.js";
import { usageError } from "../errors.js";
import { dash, keyValues, resultInfo } from "../format.js";

export interface OperationView {
  id: string;
  callId: string;
  tenantId: string | null;
  type: string;
  status: string;
  outcome: string | null;
  clientContext: string | null;
  resultInfo: { code: number | null; subcode: number | null; message: string | null } | null;
  all: boolean | null;
  completionReason: string | null;
  conflict: boolean;
  conflictStatus: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  lastChangedAt: string;
  eventCount: number;
}

export const status: Command = {
  name: "status",
  summary: "the current state of an operation",
  usage: "optrail status <operationId> [--json]",
  help: "Shows type, status, outcome, resultInfo, call, client context and times of one operation.\nExit 2 when the API does not know the operation.",
  options: {},
  async run(ctx, _values, [id]) {
    if (!id) throw usageError("status needs an operation id");
    const op = await ctx.api.request<OperationView>("GET", `operations/${encodeURIComponent(id)}`);
    if (ctx.json) {
      ctx.out(jsonBlock(op));
      return 0;
    }
    ctx.out(
      keyValues([
        ["operation", op.id],
        ["type", op.type],
        ["status", op.status],
        ["outcome", dash(op.outcome)],
        ["result", resultInfo(op.resultInfo)],
        ["call", op.callId],
        ["tenant", dash(op.tenantId)],
        ["client context", dash(op.clientContext)],
        ["completion reason", dash(op.completionReason)],
        ["conflict", op.conflict ? `yes (later ${dash(op.conflictStatus)} ignored)` : "no"],
        ["first seen", op.firstSeenAt],
        ["last change", op.lastChangedAt],
        ["last seen", op.lastSeenAt],
        ["events", String(op.eventCount)],
      ]),
    );
    return 0;
  },
};
