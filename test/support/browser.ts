// A real browser for the dashboard tests: Debian's chromium driven by playwright-core (no browser
// download). The flags keep it headless and off the network beyond the page's own origin.
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh browser profile (1280x800); with a token, the page finds it in localStorage as if saved before. */
export async function newConsoleContext(browser: Browser, token?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    timezoneId: "UTC",
    locale: "en-GB",
  });
  if (token) await context.addInitScript((t) => (globalThis as any).localStorage.setItem("optrail.apiToken", t), token);
  return context;
}
