// Graceful shutdown: on SIGTERM/SIGINT run the closers in order, bounded by a timeout.
import type { Logger } from "./logger.js";

export type Closer = { name: string; close: () => Promise<void> };

export function onShutdown(logger: Logger, timeoutMs: number, closers: Closer[]): () => Promise<void> {
  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      logger.info("shutting down");
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, "shutdown timed out; exiting");
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      for (const c of closers) {
        try {
          await c.close();
          logger.info({ component: c.name }, "closed");
        } catch (err) {
          logger.error({ err, component: c.name }, "close failed");
        }
      }
      clearTimeout(timer);
    })();
    return shuttingDown;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void shutdown().then(() => process.exit(0));
    });
  }
  return shutdown;
}
