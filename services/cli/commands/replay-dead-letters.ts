// optrail replay-dead-letters: lists the projector's dead letters and asks the API to retry each.
import type { Command } from "../command.js";
import { jsonBlock } from "../command.js";
import { CliError, EXIT } from "../errors.js";
import { dash, table } from "../format.js";

interface DeadLetter {
  id: string | number;
  topic?: string;
  partition?: number;
  offset?: string | number;
  eventId?: string | null;
  error?: string;
  createdAt?: string;
  resolvedAt?: string | null;
}

type Page = { items: DeadLetter[]; nextCursor?: string | null } | DeadLetter[];

export const replayDeadLetters: Command = {
  name: "replay-dead-letters",
  summary: "retry every unresolved dead letter (POST /dead-letters/:id/retry)",
  usage: "optrail replay-dead-letters [--dry-run] [--json]",
  help: "Lists the dead letters the API reports as unresolved, then retries them one by one and prints the\noutcome of each. --dry-run only lists them. Exit 3 when any retry failed.",
  options: { "dry-run": { type: "boolean", default: false } },
  async run(ctx, values) {
    const letters: DeadLetter[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.api.request<Page>("GET", "dead-letters", { query: { cursor } });
      const items = Array.isArray(page) ? page : page.items;
      letters.push(...items.filter((d) => !d.resolvedAt));
      cursor = Array.isArray(page) ? undefined : (page.nextCursor ?? undefined);
    } while (cursor);

    const results: { id: string; eventId: string | null; error: string; retried: boolean; result: string }[] = [];
    for (const d of letters) {
      const base = { id: String(d.id), eventId: d.eventId ?? null, error: d.error ?? "" };
      if (values["dry-run"]) {
        results.push({ ...base, retried: false, result: "not retried (--dry-run)" });
        continue;
      }
      try {
        await ctx.api.request("POST", `dead-letters/${encodeURIComponent(String(d.id))}/retry`);
        results.push({ ...base, retried: true, result: "retried" });
      } catch (err) {
        if (err instanceof CliError && err.exitCode === EXIT.unavailable && /cannot reach/.test(err.message)) throw err;
        results.push({ ...base, retried: false, result: `failed: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    const failed = results.filter((r) => !r.retried && !values["dry-run"]).length;
    if (ctx.json) ctx.out(jsonBlock({ total: results.length, failed, items: results }));
    else if (!results.length) ctx.out("no dead letters");
    else {
      ctx.out(
        table(
          ["ID", "EVENT", "RESULT", "ERROR"],
          results.map((r) => [r.id, dash(r.eventId), r.result, r.error.slice(0, 80)]),
        ),
      );
      ctx.out(
        `${results.length} dead letter${results.length === 1 ? "" : "s"}${values["dry-run"] ? "" : `, ${results.length - failed} retried, ${failed} failed`}`,
      );
    }
    return failed ? EXIT.unavailable : 0;
  },
};
