// Overview: operations by type × status, failure rate over time, projection lag, open alerts.
import { api } from "../api.js";
import { chartLegend, failureChart } from "../chart.js";
import { errorNote, h, panel, replace } from "../dom.js";
import { onLive } from "../live.js";
import { alertList } from "./alerts.js";

const STATUS_ORDER = ["notStarted", "running", "completed", "failed"];

function heatGrid(byTypeStatus) {
  if (!byTypeStatus.length) return h("p", { class: "muted" }, "No operations in this window.");
  const statuses = [
    ...new Set([...STATUS_ORDER.filter((s) => byTypeStatus.some((r) => r.status === s)), ...byTypeStatus.map((r) => r.status)]),
  ];
  const types = [...new Set(byTypeStatus.map((r) => r.type))].sort();
  const count = new Map(byTypeStatus.map((r) => [`${r.type}\u0000${r.status}`, r.count]));
  const max = Math.max(1, ...byTypeStatus.map((r) => r.count));
  return h(
    "table",
    { class: "grid heat", testid: "type-status-grid" },
    h("caption", { class: "sr-only" }, "Operations by type and status; each cell links to the matching operations"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "type"),
        statuses.map((s) => h("th", { scope: "col", class: "num" }, s)),
      ),
    ),
    h(
      "tbody",
      {},
      types.map((type) =>
        h(
          "tr",
          {},
          h("th", { scope: "row", class: "mono" }, type.replace(/Operation$/, "")),
          statuses.map((status) => {
            const n = count.get(`${type}\u0000${status}`) ?? 0;
            const level = n === 0 ? 0 : Math.min(4, Math.ceil((n / max) * 4));
            return h(
              "td",
              { class: `num heat-${level} tone-${status}`, testid: `cell-${type}-${status}` },
              n === 0
                ? h("span", { class: "muted" }, "·")
                : h("a", { href: `#/operations?type=${encodeURIComponent(type)}&status=${encodeURIComponent(status)}` }, String(n)),
            );
          }),
        ),
      ),
    ),
  );
}

function lagView(status) {
  const lagClass = status.totalLagEvents === 0 ? "ok" : status.maxLagSeconds > 60 ? "bad" : "warn";
  return [
    h(
      "p",
      { class: `headline ${lagClass}`, testid: "lag-total" },
      `${status.totalLagEvents} events behind`,
      h("span", { class: "muted small" }, ` · oldest ${Number(status.maxLagSeconds ?? 0).toFixed(1)} s`),
    ),
    h(
      "table",
      { class: "grid compact" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["topic", "partition", "next offset", "high watermark", "lag", "seconds"].map((c, i) =>
            h("th", { scope: "col", class: i ? "num" : "" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        (status.partitions ?? [])
          .filter((p) => p.lagEvents > 0)
          .slice(0, 8)
          .map((p) =>
            h(
              "tr",
              {},
              h("td", { class: "mono" }, p.topic),
              h("td", { class: "num" }, p.partition),
              h("td", { class: "num" }, p.nextOffset),
              h("td", { class: "num" }, p.highWatermark),
              h("td", { class: "num" }, p.lagEvents),
              h("td", { class: "num" }, Number(p.lagSeconds ?? 0).toFixed(1)),
            ),
          ),
      ),
    ),
    h(
      "p",
      { class: "muted small" },
      `${(status.partitions ?? []).length} partitions, ${(status.partitions ?? []).filter((p) => p.lagEvents > 0).length} behind`,
    ),
  ];
}

export function renderOverview(view, params) {
  const windowParam = ["1h", "24h", "7d"].includes(params.get("window")) ? params.get("window") : "24h";
  const bucket = { "1h": "5m", "24h": "1h", "7d": "1d" }[windowParam];
  const gridBody = h("div", { class: "panel-body" }, h("p", { class: "muted" }, "Loading…"));
  const chartBody = h("div", { class: "panel-body" }, h("p", { class: "muted" }, "Loading…"));
  const lagBody = h("div", { class: "panel-body" }, h("p", { class: "muted" }, "Loading…"));
  const alertsBody = h("div", { class: "panel-body" }, h("p", { class: "muted" }, "Loading…"));
  const windowPicker = h(
    "nav",
    { class: "window-picker", "aria-label": "Time window" },
    ["1h", "24h", "7d"].map((w) => h("a", { href: `#/?window=${w}`, "aria-current": w === windowParam ? "page" : undefined }, w)),
  );
  replace(
    view,
    h("div", { class: "page-head" }, h("h1", {}, "Overview"), windowPicker),
    h(
      "div",
      { class: "panels" },
      panel(`Operations by type and status (last ${windowParam})`, "panel-types", gridBody),
      panel(`Failure rate (last ${windowParam})`, "panel-failures", chartBody),
      panel("Open alerts", "panel-alerts", alertsBody),
      panel("Projection lag", "panel-lag", lagBody),
    ),
  );

  async function loadStats() {
    try {
      const stats = await api("stats", { query: { window: windowParam, bucket } });
      replace(gridBody, heatGrid(stats.byTypeStatus ?? []));
      const fr = stats.failureRate ?? { total: 0, failed: 0, rate: 0 };
      replace(
        chartBody,
        h(
          "p",
          { class: "headline", testid: "failure-rate" },
          `${(fr.rate * 100).toFixed(1)}% failed`,
          h("span", { class: "muted small" }, ` · ${fr.failed} of ${fr.total} operations`),
        ),
        failureChart(stats.series ?? []),
        chartLegend(),
      );
    } catch (err) {
      replace(gridBody, errorNote(err));
      replace(chartBody, errorNote(err));
    }
  }
  async function loadLag() {
    try {
      replace(lagBody, lagView(await api("projection/status")));
    } catch (err) {
      replace(lagBody, errorNote(err));
    }
  }
  const alerts = alertList({ state: "open", onEmpty: "No open alerts." });
  replace(alertsBody, alerts.element);

  void loadStats();
  void loadLag();
  void alerts.load();

  // Status changes refresh the numbers (at most every 2 s); new alerts go on top of the list.
  let pending = null;
  const offOp = onLive("operation", () => {
    pending ??= setTimeout(() => {
      pending = null;
      void loadStats();
    }, 2000);
  });
  const offAlert = onLive("alert", (alert) => alerts.upsert(alert));
  const lagTimer = setInterval(loadLag, 10_000);
  return () => {
    offOp();
    offAlert();
    clearTimeout(pending);
    clearInterval(lagTimer);
  };
}
