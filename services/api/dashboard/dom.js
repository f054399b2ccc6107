// Tiny DOM helpers: every piece of data goes in as text, never as HTML.

/** h("a", { href, class, dataset: {...}, on: { click } }, ...children) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "testid") el.dataset.testid = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) el.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** A <time> element showing local time, with the ISO instant as its machine-readable value and tooltip. */
export function time(iso) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const d = new Date(iso);
  const ms = String(d.getMilliseconds()).padStart(3, "0");
  return h("time", { datetime: iso, title: iso }, `${timeFormat.format(d)}.${ms}`);
}

export function statusBadge(status, testid) {
  return h("span", { class: `badge status-${status ?? "unknown"}`, testid }, status ?? "unknown");
}

export function outcomeBadge(outcome) {
  if (!outcome) return h("span", { class: "muted" }, "—");
  return h("span", { class: `badge outcome-${outcome}` }, outcome);
}

export function resultInfoText(ri) {
  if (!ri) return "—";
  const code = [ri.code, ri.subcode].filter((v) => v !== null && v !== undefined).join("/");
  return [code, ri.message].filter(Boolean).join(" ");
}

export function shortId(id) {
  return id && id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : (id ?? "");
}

export function opLink(id) {
  return h("a", { href: `#/operations/${encodeURIComponent(id)}`, class: "mono", title: id }, shortId(id));
}

export function callLink(callId) {
  if (!callId) return h("span", { class: "muted" }, "—");
  return h("a", { href: `#/calls/${encodeURIComponent(callId)}`, class: "mono", title: callId }, shortId(callId));
}

export function panel(title, testid, ...body) {
  const headingId = `h-${testid}`;
  return h("section", { class: "panel", testid, "aria-labelledby": headingId }, h("h2", { id: headingId }, title), ...body);
}

/** What to show in a panel whose request failed: a missing endpoint is said plainly. */
export function errorNote(err) {
  const status = err?.status;
  if (status === 404 && err.missingRoute) {
    return h("p", { class: "muted unavailable", testid: "panel-error" }, `Not available: this API has no GET /${err.path} endpoint.`);
  }
  const text =
    status === 404
      ? (err.detail ?? "Not found.")
      : status === 401
        ? "The API needs a token (API token, top right)."
        : status
          ? `The API answered ${status}: ${err.detail ?? err.title ?? ""}`
          : `The API cannot be reached: ${err?.message ?? err}`;
  return h("p", { class: "error", role: "alert", testid: "panel-error" }, text);
}
