// The optrail CLI: an HTTP client of the read API (OPTRAIL_API_URL, OPTRAIL_API_TOKEN), plus `rebuild`.
import { parseArgs } from "node:util";
import { ApiClient, apiSettings } from "./client.js";
import type { Command, Output } from "./command.js";
import { alerts } from "./commands/alerts.js";
import { history } from "./commands/history.js";
import { rebuild } from "./commands/rebuild.js";
import { replayDeadLetters } from "./commands/replay-dead-letters.js";
import { status } from "./commands/status.js";
import { tail } from "./commands/tail.js";
import { CliError, EXIT } from "./errors.js";

export const COMMANDS: Command[] = [status, history, alerts, tail, replayDeadLetters, rebuild];

const COMMON_OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "optrail: the operator's command line for optrail",
    "",
    "usage: optrail <command> [arguments] [--json] [--help]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "options (every command):",
    "  --json      machine-readable output (JSON)",
    "  -h, --help  help for the command",
    "",
    "environment:",
    "  OPTRAIL_API_URL    the read API (default http://127.0.0.1:3000)",
    "  OPTRAIL_API_TOKEN  bearer token, when the API has API_TOKENS configured",
    "",
    "exit codes: 0 ok, 1 usage error or unknown command, 2 not found, 3 API unreachable or other error",
  ].join("\n");
}

function commandHelp(c: Command): string {
  return [
    `usage: ${c.usage}`,
    "",
    `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.`,
    c.help,
    "",
    "options:",
    "  --json      machine-readable output (JSON)",
    "  -h, --help  this help",
  ].join("\n");
}

export interface RunOptions extends Output {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** Runs one command line; returns the exit code. Errors are printed here, not thrown. */
export async function runCli(argv: string[], io: RunOptions): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? commandHelp(target) : mainHelp());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`optrail: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(", ")}; optrail --help)`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`optrail ${command.name}: ${err instanceof Error ? err.message : String(err)}\nusage: ${command.usage}`);
    return EXIT.usage;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run({ ...io, api: new ApiClient(apiSettings(io.env)), json: values.json === true }, values, parsed.positionals);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(EXIT.unavailable, err instanceof Error ? err.message : String(err));
    io.err(`optrail ${command.name}: ${e.message}${e.exitCode === EXIT.usage ? `\nusage: ${command.usage}` : ""}`);
    return e.exitCode;
  }
}
