// The list of alerts with its Acknowledge action (POST /alerts/:id/ack {by, note}).
import { api } from "../api.js";
import { callLink, errorNote, h, opLink, replace, resultInfoText, time } from "../dom.js";

const OPERATOR_KEY = "optrail.operator";

function ackForm(alert, onDone) {
  const by = h("input", {
    name: "by",
    required: true,
    autocomplete: "name",
    testid: "ack-by",
    value: localStorage.getItem(OPERATOR_KEY) ?? "",
  });
  const note = h("input", { name: "note", testid: "ack-note", placeholder: "optional" });
  const message = h("span", { class: "error small", role: "alert" });
  const form = h(
    "form",
    { class: "ack-form", testid: "ack-form" },
    h("label", {}, "Acknowledged by ", by),
    h("label", {}, "Note ", note),
    h("button", { type: "submit", class: "primary", testid: "ack-confirm" }, "Confirm"),
    message,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    localStorage.setItem(OPERATOR_KEY, by.value.trim());
    try {
      const acked = await api(`alerts/${encodeURIComponent(alert.id)}/ack`, {
        method: "POST",
        body: { by: by.value.trim(), ...(note.value.trim() ? { note: note.value.trim() } : {}) },
      });
      onDone(acked);
    } catch (err) {
      message.textContent = err.status === 409 ? "Already acknowledged by someone else; reloading." : `Not acknowledged: ${err.message}`;
      if (err.status === 409) setTimeout(() => onDone(null), 1500);
    }
  });
  queueMicrotask(() => by.focus());
  return form;
}

function alertItem(alert, onAcked) {
  const actions = h("div", { class: "alert-actions" });
  const li = h(
    "li",
    { class: "alert", testid: "alert-item", dataset: { alertId: alert.id, state: alert.state, severity: alert.severity ?? "warning" } },
    h(
      "div",
      { class: "alert-main" },
      h("span", { class: `badge severity-${alert.severity ?? "warning"}` }, alert.severity ?? "alert"),
      " ",
      h("strong", { testid: "alert-title" }, alert.title ?? alert.rule),
      h(
        "div",
        { class: "small muted" },
        time(alert.createdAt),
        " · operation ",
        alert.operationId ? opLink(alert.operationId) : "—",
        " · call ",
        callLink(alert.callId),
        alert.resultInfo ? ` · ${resultInfoText(alert.resultInfo)}` : "",
      ),
      alert.state === "acknowledged"
        ? h(
            "div",
            { class: "small", testid: "alert-acked" },
            `Acknowledged by ${alert.ackedBy ?? "?"}`,
            alert.ackNote ? ` — ${alert.ackNote}` : "",
            " · ",
            time(alert.ackedAt),
          )
        : null,
    ),
    actions,
  );
  if (alert.state !== "acknowledged") {
    const button = h("button", { type: "button", class: "primary", testid: "ack-button" }, "Acknowledge");
    button.addEventListener("click", () => replace(actions, ackForm(alert, onAcked)));
    actions.append(button);
  }
  return li;
}

/** A live list: load() from the API, upsert() from the SSE stream. */
export function alertList({ state, onEmpty }) {
  const element = h("div", { class: "alert-list" });
  const byId = new Map();
  let nextCursor = null;

  function render() {
    const items = [...byId.values()].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    if (!items.length) return replace(element, h("p", { class: "muted", testid: "alerts-empty" }, onEmpty));
    replace(
      element,
      h(
        "ul",
        { class: "alerts", testid: "alerts" },
        items.map((a) =>
          alertItem(a, (acked) => {
            if (acked && state === "open") byId.delete(a.id);
            else if (acked) byId.set(a.id, acked);
            if (!acked) return void load();
            render();
            announce(`Alert acknowledged by ${acked.ackedBy}`);
          }),
        ),
      ),
      nextCursor ? h("p", { class: "small muted" }, "More alerts exist; the oldest are not shown.") : null,
    );
  }
  async function load() {
    try {
      const page = await api("alerts", { query: { state, limit: 50 } });
      byId.clear();
      for (const a of page.items ?? []) byId.set(a.id, a);
      nextCursor = page.nextCursor ?? null;
      render();
    } catch (err) {
      replace(element, errorNote(err));
    }
  }
  function upsert(alert) {
    if (state && alert.state !== state) byId.delete(alert.id);
    else byId.set(alert.id, alert);
    render();
  }
  return { element, load, upsert };
}

export function announce(text) {
  const toasts = document.getElementById("toasts");
  const t = h("div", { class: "toast", role: "status" }, text);
  toasts.append(t);
  setTimeout(() => t.remove(), 6000);
}
