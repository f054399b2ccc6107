// The failure-rate chart: an inline SVG of /stats series, one stacked bar per bucket
// (succeeded/other grey, canceled amber, failed red) and the failure rate as a line.
import { h, svg } from "./dom.js";

const W = 640;
const H = 180;
const PAD = { left: 40, right: 44, top: 10, bottom: 24 };

function hhmm(iso) {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function failureChart(series) {
  if (!series?.length) return h("p", { class: "muted" }, "No operations in this window.");
  const maxTotal = Math.max(1, ...series.map((b) => b.total));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / series.length;
  const barW = Math.max(1, step * 0.7);
  const y = (count) => PAD.top + plotH - (count / maxTotal) * plotH;
  const yRate = (rate) => PAD.top + plotH - rate * plotH;

  const bars = series.map((b, i) => {
    const x = PAD.left + i * step + (step - barW) / 2;
    const failed = b.failed ?? 0;
    const canceled = b.canceled ?? 0;
    const rest = Math.max(0, b.total - failed - canceled);
    const rate = b.total ? failed / b.total : 0;
    const label = `${hhmm(b.bucketStart)}: ${b.total} operations, ${failed} failed, ${canceled} canceled (${(rate * 100).toFixed(1)}% failed)`;
    const seg = (from, count, cls) =>
      count > 0 ? svg("rect", { x, y: y(from + count), width: barW, height: y(from) - y(from + count), class: cls }) : null;
    return svg(
      "g",
      { class: "bucket" },
      svg("title", {}, label),
      seg(0, failed, "bar-failed"),
      seg(failed, canceled, "bar-canceled"),
      seg(failed + canceled, rest, "bar-other"),
    );
  });

  const points = series.map((b, i) => `${PAD.left + i * step + step / 2},${yRate(b.total ? b.failed / b.total : 0)}`).join(" ");
  const ticks = [0, Math.floor(series.length / 2), series.length - 1]
    .filter((v, i, a) => a.indexOf(v) === i)
    .map((i) =>
      svg("text", { x: PAD.left + i * step + step / 2, y: H - 6, class: "tick", "text-anchor": "middle" }, hhmm(series[i].bucketStart)),
    );
  const total = series.reduce((s, b) => s + b.total, 0);
  const failed = series.reduce((s, b) => s + (b.failed ?? 0), 0);

  return svg(
    "svg",
    {
      viewBox: `0 0 ${W} ${H}`,
      class: "chart",
      role: "img",
      "aria-label": `Failure rate over ${series.length} buckets: ${failed} failed of ${total} operations`,
      "data-testid": "failure-chart",
    },
    svg("line", { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: "axis" }),
    svg("text", { x: PAD.left - 6, y: PAD.top + 8, class: "tick", "text-anchor": "end" }, String(maxTotal)),
    svg("text", { x: PAD.left - 6, y: PAD.top + plotH, class: "tick", "text-anchor": "end" }, "0"),
    svg("text", { x: W - PAD.right + 6, y: PAD.top + 8, class: "tick rate" }, "100%"),
    svg("text", { x: W - PAD.right + 6, y: PAD.top + plotH, class: "tick rate" }, "0%"),
    bars,
    svg("polyline", { points, class: "rate-line" }),
    ticks,
  );
}

export function chartLegend() {
  return h(
    "p",
    { class: "legend small" },
    h("span", { class: "key key-other" }),
    "operations ",
    h("span", { class: "key key-canceled" }),
    "canceled ",
    h("span", { class: "key key-failed" }),
    "failed ",
    h("span", { class: "key key-rate" }),
    "failure rate",
  );
}
