// The operator console: hash routes #/, #/operations?..., #/operations/<id>, #/calls/<id>.
import { askForToken } from "./api.js";
import { h } from "./dom.js";
import { onLive, restartLive, startLive } from "./live.js";
import { announce } from "./views/alerts.js";
import { renderCall } from "./views/call.js";
import { renderOperation } from "./views/operation.js";
import { renderOperations } from "./views/operations.js";
import { renderOverview } from "./views/overview.js";

const view = document.getElementById("view");
let cleanup = () => {};

function route() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: "overview", title: "Overview", render: () => renderOverview(view, params) };
  if (parts[0] === "operations" && parts.length === 1)
    return { name: "operations", title: "Operations", render: () => renderOperations(view, params) };
  if (parts[0] === "operations" && parts.length === 2)
    return { name: "operations", title: `Operation ${parts[1]}`, render: () => renderOperation(view, parts[1]) };
  if (parts[0] === "calls" && parts.length === 2)
    return { name: "calls", title: `Call ${parts[1]}`, render: () => renderCall(view, parts[1]) };
  return {
    name: "none",
    title: "Not found",
    render: () =>
      view.replaceChildren(h("h1", {}, "Not found"), h("p", {}, "No such page. ", h("a", { href: "#/" }, "Back to the overview."))),
  };
}

function render() {
  cleanup();
  const r = route();
  document.title = `${r.title} · optrail`;
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === r.name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  cleanup = r.render() ?? (() => {});
  view.focus({ preventScroll: true });
}

window.addEventListener("hashchange", render);
document.getElementById("token-button").addEventListener("click", async () => {
  if (await askForToken("Set the bearer token this console sends to the API.")) render();
});
window.addEventListener("optrail:token", restartLive);

// A new alert is announced wherever the operator is; the overview also lists it.
onLive("alert", (alert) => {
  if (alert.state === "open") announce(`New alert: ${alert.title ?? alert.rule}`);
});

render();
startLive();
