// The public origin for links the app hands out (checkout, portal): APP_URL when set, else the
// origin the request came in on, so a visitor on 127.0.0.1 is not sent to localhost (and its cookies).
import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";
import type { RequestLike } from "./route";

export function originOf(req: RequestLike): string {
  const configured = env().APP_URL;
  if (configured) return configured.replace(/\/$/, "");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(":", "");
  return host ? `${proto}://${host}` : new URL(req.url).origin;
}

/** For server actions and pages. */
export async function requestOrigin(): Promise<string> {
  const configured = env().APP_URL;
  if (configured) return configured.replace(/\/$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? `localhost:${env().PORT}`;
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}
