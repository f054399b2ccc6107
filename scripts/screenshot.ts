// Takes the README's screenshot of the console's overview (docs/dashboard-overview.png, 1280x800).
// Run it against a running optrail (npm start in another terminal):
//   npm run screenshot              the overview as it is
//   npm run screenshot -- --seed    first post a sample of notifications to ingest
// OPTRAIL_API_URL (http://127.0.0.1:3000), OPTRAIL_INGEST_URL (http://127.0.0.1:3001), OPTRAIL_API_TOKEN.
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { sampleTraffic } from "../test/fixtures/console-traffic.js";
import { launchBrowser, newConsoleContext } from "../test/support/browser.js";

const { values } = parseArgs({
  options: { seed: { type: "boolean", default: false }, out: { type: "string", default: "docs/dashboard-overview.png" } },
});
const apiUrl = (process.env.OPTRAIL_API_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const ingestUrl = (process.env.OPTRAIL_INGEST_URL ?? "http://127.0.0.1:3001").replace(/\/$/, "");
const token = process.env.OPTRAIL_API_TOKEN;

if (values.seed) {
  const bodies = sampleTraffic(randomUUID);
  for (const body of bodies) {
    const res = await fetch(`${ingestUrl}/graph/notifications`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
  console.error(`posted ${bodies.length} notifications to ${ingestUrl}`);
  await new Promise((r) => setTimeout(r, 3000)); // let the projector catch up
}

const browser = await launchBrowser();
try {
  const context = await newConsoleContext(browser, token);
  const page = await context.newPage();
  await page.goto(`${apiUrl}/#/`);
  // Every panel answered (data or an error note), and the live streams settled.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as any).document;
      const loading = [...doc.querySelectorAll(".panel")].some((p: any) => p.textContent.includes("Loading…"));
      return !loading && doc.querySelector("[data-testid=live-badge]")?.dataset.state !== "connecting";
    },
    undefined,
    { timeout: 15_000 },
  );
  await page.waitForTimeout(300);
  await mkdir(dirname(values.out), { recursive: true });
  await page.screenshot({ path: values.out, type: "png" });
  console.error(`wrote ${values.out}`);
} finally {
  await browser.close();
}
