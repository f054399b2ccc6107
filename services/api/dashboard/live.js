// Live updates: the SSE streams /operations/stream and /alerts/stream. A stream the API does not have
// (404), or one that drops, leaves the badge at "live: disconnected"; closed streams are retried.
import { streamUrl } from "./api.js";

const RETRY_MS = 15_000;
const listeners = { operation: new Set(), alert: new Set() };
const streams = new Map(); // path → { source, state }

export function onLive(kind, fn) {
  listeners[kind].add(fn);
  return () => listeners[kind].delete(fn);
}

function badge() {
  const el = document.querySelector("[data-testid=live-badge]");
  const states = [...streams.values()].map((s) => s.state);
  const down = [...streams.entries()].filter(([, s]) => s.state === "disconnected").map(([p]) => p);
  const state = down.length ? "disconnected" : states.every((s) => s === "open") ? "live" : "connecting";
  el.dataset.state = state;
  el.textContent = state === "live" ? "live" : `live: ${state}`;
  el.title = down.length
    ? `No stream from ${down.join(", ")}; reload or wait for a retry.`
    : "Alerts and status changes appear as they happen.";
}

function open(path, event, kind) {
  const previous = streams.get(path);
  previous?.source?.close();
  const entry = { source: new EventSource(streamUrl(path)), state: "connecting" };
  streams.set(path, entry);
  entry.source.addEventListener("open", () => {
    entry.state = "open";
    badge();
  });
  entry.source.addEventListener("error", () => {
    // CONNECTING: the browser retries by itself; CLOSED: a 404/401/non-SSE answer, it never will.
    entry.state = "disconnected";
    badge();
    if (entry.source.readyState === EventSource.CLOSED) setTimeout(() => streams.get(path) === entry && open(path, event, kind), RETRY_MS);
  });
  entry.source.addEventListener(event, (msg) => {
    let data;
    try {
      data = JSON.parse(msg.data);
    } catch {
      return;
    }
    for (const fn of listeners[kind]) fn(data);
  });
  badge();
}

export function startLive() {
  open("operations/stream", "operation", "operation");
  open("alerts/stream", "alert", "alert");
}

/** After the token changed: reconnect with it. */
export function restartLive() {
  for (const s of streams.values()) s.source.close();
  streams.clear();
  startLive();
}
