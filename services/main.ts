// Runs all three services in one process (the README's start command). Each can also run alone:
// services/ingest/main.ts, services/projector/main.ts, services/api/main.ts.
import { startApi } from "./api/main.js";
import { startIngest } from "./ingest/main.js";
import { loadConfig } from "./platform/config.js";
import { onShutdown } from "./platform/lifecycle.js";
import { createLogger } from "./platform/logger.js";
import { startProjector } from "./projector/main.js";

const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, name: "optrail" });
const ingest = await startIngest(config, logger.child({ component: "ingest" }));
const projector = await startProjector(config, logger.child({ component: "projector" }), { metricsPort: config.PROJECTOR_PORT });
const api = await startApi(config, logger.child({ component: "api" }));
onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, [...ingest.closers, ...projector.closers, ...api.closers]);

const lines = [
  "optrail is running",
  `  webhook (give this to Graph): POST ${ingest.url}/graph/notifications`,
  `  action responses:             POST ${ingest.url}/graph/action-responses`,
  `  read API:                     GET  ${api.url}/operations/:id`,
  `  health:                       ${api.url}/healthz  ${api.url}/readyz`,
  `  metrics:                      ${api.url}/metrics  ${ingest.url}/metrics  ${projector.url ?? ""}/metrics`,
];
process.stdout.write(`${lines.join("\n")}\n`);
