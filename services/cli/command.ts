// What every CLI command is: a name, its help, its options (node:util parseArgs), and run().
import type { ParseArgsConfig } from "node:util";
import type { ApiClient } from "./client.js";

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CommandContext extends Output {
  api: ApiClient;
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM (long-running commands: tail, rebuild). */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** The help text after the usage line. */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Returns the exit code. */
  run: (ctx: CommandContext, values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number>;
}

export const jsonLine = (value: unknown) => JSON.stringify(value);
export const jsonBlock = (value: unknown) => JSON.stringify(value, null, 2);
