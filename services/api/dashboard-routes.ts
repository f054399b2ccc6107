// The operator console: static HTML/CSS/JS served by the API at `/` (page) and `/dashboard/*` (assets).
// No token is needed for these files; the page asks for one when the API answers 401.
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";

const DASHBOARD_DIR = fileURLToPath(new URL("./dashboard/", import.meta.url));

// The page itself is revalidated on every load (ETag → 304), so a deploy shows at once. The assets are
// cached for a few minutes, then revalidated; there is no build step to give them hashed names.
const PAGE_CACHE = "no-cache";
const ASSET_CACHE = "public, max-age=300, must-revalidate";
// Everything comes from this origin: no CDN, no inline script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function createDashboardRouter(): Router {
  const router = express.Router();
  const page = (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader("Cache-Control", PAGE_CACHE);
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.sendFile("index.html", { root: DASHBOARD_DIR, lastModified: true, cacheControl: false }, (err) => err && next(err));
  };
  router.get("/", page);
  router.get("/index.html", page);
  router.use(
    "/dashboard",
    express.static(DASHBOARD_DIR, {
      index: false,
      fallthrough: true,
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader("Cache-Control", ASSET_CACHE);
        res.setHeader("X-Content-Type-Options", "nosniff");
      },
    }),
  );
  return router;
}
