// Search operations: by operation id (opens it), call id, client context, type, status, outcome, time.
import { api } from "../api.js";
import { callLink, errorNote, h, opLink, outcomeBadge, replace, resultInfoText, statusBadge, time } from "../dom.js";
import { onLive } from "../live.js";

const FILTERS = ["callId", "clientContext", "type", "status", "outcome", "firstSeenFrom", "firstSeenTo", "q"];
const TYPES = [
  "cancelMediaProcessingOperation",
  "playPromptOperation",
  "recordOperation",
  "sendDtmfTonesOperation",
  "subscribeToToneOperation",
  "muteParticipantOperation",
  "unmuteParticipantOperation",
  "updateRecordingStatusOperation",
  "inviteParticipantsOperation",
  "addLargeGalleryViewOperation",
  "startHoldMusicOperation",
  "stopHoldMusicOperation",
];

/** datetime-local ("2026-12-04T16:05") ↔ ISO instant, in the browser's time zone. */
const toIso = (local) => (local ? new Date(local).toISOString() : "");
function toLocal(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

function select(name, value, options, testid) {
  return h(
    "select",
    { name, testid },
    h("option", { value: "" }, "any"),
    options.map((o) => h("option", { value: o, selected: o === value }, o)),
  );
}

function searchForm(params) {
  const form = h(
    "form",
    { class: "search", role: "search", testid: "search-form", "aria-label": "Search operations" },
    field(
      "Operation id",
      h("input", { name: "operationId", testid: "search-operation-id", class: "mono", placeholder: "opens the operation" }),
    ),
    field("Call id", h("input", { name: "callId", testid: "search-call-id", class: "mono", value: params.get("callId") ?? "" })),
    field(
      "Client context",
      h("input", { name: "clientContext", testid: "search-client-context", class: "mono", value: params.get("clientContext") ?? "" }),
    ),
    field("Type", h("input", { name: "type", testid: "search-type", list: "op-types", value: params.get("type") ?? "" })),
    h(
      "datalist",
      { id: "op-types" },
      TYPES.map((t) => h("option", { value: t })),
    ),
    field("Status", select("status", params.get("status"), ["notStarted", "running", "completed", "failed"], "search-status")),
    field("Outcome", select("outcome", params.get("outcome"), ["succeeded", "failed", "canceled"], "search-outcome")),
    field("Text (ids, context, message)", h("input", { name: "q", testid: "search-text", value: params.get("q") ?? "" })),
    field(
      "First seen from",
      h("input", { type: "datetime-local", name: "firstSeenFrom", testid: "search-from", value: toLocal(params.get("firstSeenFrom")) }),
    ),
    field(
      "to",
      h("input", { type: "datetime-local", name: "firstSeenTo", testid: "search-to", value: toLocal(params.get("firstSeenTo")) }),
    ),
    h(
      "div",
      { class: "field actions" },
      h("button", { type: "submit", class: "primary", testid: "search-submit" }, "Search"),
      h("a", { href: "#/operations", class: "quiet" }, "Clear"),
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const opId = String(data.get("operationId") ?? "").trim();
    if (opId) return void (location.hash = `#/operations/${encodeURIComponent(opId)}`);
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      let v = String(data.get(name) ?? "").trim();
      if (name === "firstSeenFrom" || name === "firstSeenTo") v = toIso(v);
      if (v) q.set(name, v);
    }
    const target = `#/operations?${q}`;
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = target;
  });
  return form;
}

function row(op) {
  return h(
    "tr",
    { testid: "operation-row", dataset: { operationId: op.id } },
    h("td", {}, opLink(op.id)),
    h("td", { class: "mono" }, op.type.replace(/Operation$/, "")),
    h("td", {}, statusBadge(op.status)),
    h("td", {}, outcomeBadge(op.outcome)),
    h("td", { class: "small" }, resultInfoText(op.resultInfo)),
    h("td", {}, callLink(op.callId)),
    h("td", { class: "mono small", title: op.clientContext ?? "" }, op.clientContext ?? "—"),
    h("td", { class: "small" }, time(op.firstSeenAt)),
    h("td", { class: "small" }, time(op.lastChangedAt)),
  );
}

/** A table of operations with "Load more"; rows update in place from the live stream. */
export function operationTable(load) {
  const tbody = h("tbody", {});
  const more = h("div", { class: "more" });
  const note = h("p", { class: "muted small", testid: "results-count" });
  const tableEl = h(
    "table",
    { class: "grid", hidden: true },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["operation", "type", "status", "outcome", "result", "call", "client context", "first seen", "last change"].map((c) =>
          h("th", { scope: "col" }, c),
        ),
      ),
    ),
    tbody,
  );
  const element = h("div", { class: "results", testid: "search-results" }, note, tableEl, more);
  let shown = 0;
  async function page(cursor) {
    try {
      const res = await load(cursor);
      if (!cursor) tbody.replaceChildren();
      for (const op of res.items ?? []) tbody.append(row(op));
      shown = tbody.children.length;
      tableEl.hidden = shown === 0;
      note.textContent =
        shown === 0 ? "No operations match." : `${shown} operation${shown === 1 ? "" : "s"}${res.nextCursor ? " (more available)" : ""}`;
      replace(
        more,
        res.nextCursor
          ? h("button", { type: "button", testid: "load-more", on: { click: () => page(res.nextCursor) } }, "Load more")
          : null,
      );
    } catch (err) {
      replace(note, errorNote(err));
      replace(more);
    }
  }
  function update(op) {
    const existing = tbody.querySelector(`tr[data-operation-id="${CSS.escape(op.id)}"]`);
    if (existing) existing.replaceWith(row(op));
  }
  return { element, load: () => page(null), update };
}

export function renderOperations(view, params) {
  const query = Object.fromEntries(FILTERS.filter((f) => params.get(f)).map((f) => [f, params.get(f)]));
  const hasQuery = Object.keys(query).length > 0;
  const table = operationTable((cursor) => api("operations", { query: { ...query, limit: 50, cursor } }));
  replace(view, h("div", { class: "page-head" }, h("h1", {}, "Operations")), searchForm(params), table.element);
  if (!hasQuery) replace(table.element.querySelector("[data-testid=results-count]"), "Newest first. Filter with the form above.");
  void table.load();
  return onLive("operation", (op) => table.update(op));
}
