// The pure domain core: Graph payload schemas, events, and the operation fold. No I/O here.
export * from "./alerts.js";
export * from "./events.js";
export * from "./graph.js";
export * from "./operation.js";
export * from "./redact.js";
export * from "./stable-json.js";
export * from "./to-events.js";
