// One call: its summary (GET /calls/:id) and its operations (GET /calls/:id/operations).
import { api } from "../api.js";
import { errorNote, h, replace, time } from "../dom.js";
import { onLive } from "../live.js";
import { operationTable } from "./operations.js";

function counts(obj) {
  const entries = Object.entries(obj ?? {});
  if (!entries.length) return "—";
  return entries.map(([k, n]) => h("span", { class: `badge status-${k} outcome-${k}` }, `${k} ${n}`));
}

export function renderCall(view, callId) {
  const summary = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const table = operationTable((cursor) => api(`calls/${encodeURIComponent(callId)}/operations`, { query: { cursor, limit: 50 } }));
  replace(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "Call ", h("span", { class: "mono", testid: "call-id" }, callId))),
    h("section", { class: "panel", testid: "panel-call" }, h("h2", {}, "Summary"), summary),
    h("section", { class: "panel", testid: "panel-call-operations" }, h("h2", {}, "Operations"), table.element),
  );
  async function loadSummary() {
    try {
      const c = await api(`calls/${encodeURIComponent(callId)}`);
      replace(
        summary,
        h(
          "dl",
          { class: "facts", testid: "call-facts" },
          h("dt", {}, "Operations"),
          h("dd", { testid: "call-operation-count" }, String(c.operationCount)),
          h("dt", {}, "By status"),
          h("dd", {}, counts(c.byStatus)),
          h("dt", {}, "By outcome"),
          h("dd", {}, counts(c.byOutcome)),
          h("dt", {}, "Open alerts"),
          h("dd", {}, String(Array.isArray(c.openAlerts) ? c.openAlerts.length : (c.openAlerts ?? 0))),
          h("dt", {}, "First seen"),
          h("dd", {}, time(c.firstSeenAt)),
          h("dt", {}, "Last seen"),
          h("dd", {}, time(c.lastSeenAt)),
        ),
      );
    } catch (err) {
      replace(summary, errorNote(err));
    }
  }
  void loadSummary();
  void table.load();
  return onLive("operation", (op) => {
    if (op.callId !== callId) return;
    void loadSummary();
    void table.load();
  });
}
