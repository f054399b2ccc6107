// One operation: its current state, and the timeline of every event that reached it.
import { api } from "../api.js";
import { callLink, errorNote, h, outcomeBadge, replace, resultInfoText, statusBadge, time } from "../dom.js";
import { onLive } from "../live.js";

function facts(op) {
  const rows = [
    ["Type", h("span", { class: "mono" }, op.type)],
    ["Status", statusBadge(op.status, "operation-status")],
    ["Outcome", outcomeBadge(op.outcome)],
    ["Result", h("span", { testid: "operation-result" }, resultInfoText(op.resultInfo))],
    [
      "Call",
      h(
        "span",
        {},
        callLink(op.callId),
        " ",
        h("a", { href: `#/calls/${encodeURIComponent(op.callId)}`, testid: "call-link", class: "small" }, "all operations of this call →"),
      ),
    ],
    ["Client context", h("span", { class: "mono" }, op.clientContext ?? "—")],
    ["Completion reason", op.completionReason ?? "—"],
    ["Conflict", op.conflict ? h("span", { class: "badge flag-conflict" }, `yes: later ${op.conflictStatus ?? "?"} ignored`) : "no"],
    ["First seen", time(op.firstSeenAt)],
    ["Last status change", time(op.lastChangedAt)],
    ["Last seen", time(op.lastSeenAt)],
    ["Events", String(op.eventCount)],
  ];
  if (op.tenantId) rows.splice(5, 0, ["Tenant", h("span", { class: "mono" }, op.tenantId)]);
  return h(
    "dl",
    { class: "facts", testid: "operation-facts" },
    rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

function flags(e) {
  return [
    e.duplicate && h("span", { class: "badge flag-duplicate", testid: "flag-duplicate" }, "duplicate"),
    e.conflict && h("span", { class: "badge flag-conflict", testid: "flag-conflict" }, "conflict"),
    e.stale && h("span", { class: "badge flag-stale", testid: "flag-stale" }, "stale"),
    e.authenticated === false && h("span", { class: "badge flag-unauth", testid: "flag-unauthenticated" }, "unauthenticated"),
  ].filter(Boolean);
}

function change(e) {
  if (e.statusBefore === e.statusAfter || !e.statusAfter) {
    return h(
      "span",
      { class: "change", testid: "event-change" },
      statusBadge(e.statusAfter ?? e.status),
      h("span", { class: "muted small" }, " unchanged"),
    );
  }
  return h(
    "span",
    { class: "change", testid: "event-change" },
    e.statusBefore ? statusBadge(e.statusBefore) : h("span", { class: "muted" }, "new"),
    h("span", { "aria-label": "to" }, " → "),
    statusBadge(e.statusAfter),
  );
}

function timeline(events) {
  if (!events.length) return h("p", { class: "muted" }, "No events.");
  return h(
    "ol",
    { class: "timeline", testid: "timeline" },
    events.map((e) =>
      h(
        "li",
        {
          class: `event${e.duplicate ? " is-duplicate" : ""}${e.conflict ? " is-conflict" : ""}${e.stale ? " is-stale" : ""}`,
          testid: "timeline-event",
          dataset: { eventId: e.eventId },
        },
        h("div", { class: "event-time" }, time(e.receivedAt)),
        h(
          "div",
          { class: "event-body" },
          h("div", {}, change(e), " ", flags(e)),
          h(
            "div",
            { class: "small", testid: "event-result" },
            e.resultInfo ? `result ${resultInfoText(e.resultInfo)}` : h("span", { class: "muted" }, "no resultInfo"),
          ),
          h(
            "div",
            { class: "small muted" },
            `${e.source}${e.changeType ? ` · ${e.changeType}` : ""} · reported ${e.status ?? "—"} · Kafka ${e.kafka.partition}/${e.kafka.offset} · event `,
            h("span", { class: "mono", title: e.eventId }, e.eventId.slice(0, 12)),
            e.requestId ? ` · request ${e.requestId}` : "",
          ),
        ),
      ),
    ),
  );
}

export function renderOperation(view, id) {
  const head = h("div", { class: "page-head" }, h("h1", {}, "Operation ", h("span", { class: "mono", testid: "operation-id" }, id)));
  const factsBox = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const timelineBox = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  replace(
    view,
    head,
    h(
      "div",
      { class: "panels two" },
      h("section", { class: "panel", testid: "panel-operation" }, h("h2", {}, "Current state"), factsBox),
      h("section", { class: "panel", testid: "panel-timeline" }, h("h2", {}, "Timeline"), timelineBox),
    ),
  );

  async function load() {
    const [op, history] = await Promise.allSettled([
      api(`operations/${encodeURIComponent(id)}`),
      api(`operations/${encodeURIComponent(id)}/history`),
    ]);
    replace(factsBox, op.status === "fulfilled" ? facts(op.value) : errorNote(op.reason));
    replace(timelineBox, history.status === "fulfilled" ? timeline(history.value.events ?? []) : errorNote(history.reason));
  }
  void load();
  return onLive("operation", (op) => op.id === id && void load());
}
