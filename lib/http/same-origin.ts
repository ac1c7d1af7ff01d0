// Cookie-authenticated changes must come from the app's own pages. SameSite=Lax keeps the session
// cookie off cross-site POSTs from forms in most browsers, not from every client or same-site
// subdomain, so a state-changing API call made with the session cookie must also show where it
// came from: an Origin header of APP_URL's origin, or the browser's own `Sec-Fetch-Site:
// same-origin` (set by the browser, never by a page's script). API keys are not sent by browsers
// on their own and need neither.
import "server-only";
import { appUrl } from "@/lib/env";
import { AppError } from "./errors";
import type { RequestLike } from "./route";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function assertSameOrigin(req: RequestLike): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  if (req.headers.get("sec-fetch-site") === "same-origin") return;
  const origin = req.headers.get("origin");
  const own = new URL(appUrl()).origin;
  if (origin === own) return;
  throw new AppError(
    "forbidden",
    origin
      ? `Cross-origin request refused: Origin ${origin} is not this app's (${own}). Changes made with a session cookie must come from the app's own pages; other clients send an API key.`
      : `Cross-origin request refused: a change made with a session cookie needs an Origin header of ${own} (browsers send one). Other clients send an API key.`,
    { reason: "cross_origin", origin, expected: own },
  );
}
