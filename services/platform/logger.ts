// Structured JSON logs (pino). Secrets are redacted by path before anything is written.
import { pino, type Logger } from "pino";

export type { Logger };

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.query.access_token",
  "headers.authorization",
  "authorization",
  "*.recordingAccessToken",
  "*.*.recordingAccessToken",
  "clientState",
  "*.clientState",
  "password",
  "*.password",
];

/** Removes the value of an `access_token` query parameter from a URL (streams accept the API token there). */
export function redactUrl(url: string): string {
  return url.replaceAll(/([?&]access_token=)[^&#]*/gi, "$1[redacted]");
}

/** `destination` (default stdout) lets tests read exactly what would be written. */
export function createLogger(options: { level: string; name: string; destination?: pino.DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
