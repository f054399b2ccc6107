// A hand-rolled progress bar for stderr: done/total, events/s, ETA. Redraws in place on a terminal,
// prints a line every few seconds otherwise (logs, CI).
export interface Progress {
  update(done: number, total: number): void;
  /** A step that is not counted in events (e.g. building indexes). */
  note(message: string): void;
  finish(message: string): void;
}

const fmtDuration = (s: number) =>
  !Number.isFinite(s) ? "?" : s < 60 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${Math.ceil(s % 60)}s`;

export function renderProgress(done: number, total: number, elapsedMs: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(ratio * 100).toFixed(1)}% ${done}/${total} events  ${Math.round(rate)} ev/s  ETA ${done >= total ? "0s" : fmtDuration(eta)}`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, now = () => Date.now()): Progress {
  const started = now();
  let lastLine = 0;
  // A message on its own line (after the bar's line on a terminal).
  const say = (message: string) => stream.write(`${stream.isTTY ? "\n" : ""}${message}\n`);
  return {
    update(done, total) {
      const line = renderProgress(done, total, now() - started);
      if (stream.isTTY) stream.write(`\r${line}`);
      else if (now() - lastLine >= 2000) {
        stream.write(`${line}\n`);
        lastLine = now();
      }
    },
    note: say,
    finish: say,
  };
}
