// Limit: the HTTP ceiling of ingest. A bare Express app that parses the same JSON body (same body limit)
// and answers 202, with no Kafka, no validation, no logging, no metrics. Run as its own process.
import express from "express";

const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.post("/graph/notifications", express.json({ limit: "1mb", type: () => true }), (req, res) => {
  const items = (req.body as { value?: unknown[] }).value ?? [];
  res.status(202).json({ accepted: items.length, deadLettered: 0, eventIds: [] });
});
const server = app.listen(Number(process.env.BARE_PORT ?? 0), "127.0.0.1");
server.keepAliveTimeout = 65_000;
process.once("SIGTERM", () => server.close(() => process.exit(0)));
