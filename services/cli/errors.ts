// Exit codes of the optrail CLI, and the error that carries one.
export const EXIT = {
  ok: 0,
  /** bad usage: unknown command or option, missing argument */
  usage: 1,
  /** the API does not know the thing asked for (404) */
  notFound: 2,
  /** the API cannot be reached, refused us, or failed; or another error */
  unavailable: 3,
} as const;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
