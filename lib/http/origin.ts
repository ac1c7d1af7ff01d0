// The public origin for links the app hands out (checkout return URLs, the portal): APP_URL, whose
// default is http://localhost:$PORT. Never the request's Host or X-Forwarded-Host header: a client
// chooses those, and a link built from them could send a customer (and its session) elsewhere.
// An installation served under another name sets APP_URL.
import "server-only";
import { appUrl } from "@/lib/env";
import type { RequestLike } from "./route";

/** The request is no longer read (its Host is the client's choice); the parameter keeps the callers as they are. */
export function originOf(_req: RequestLike): string {
  return appUrl();
}

/** For server actions and pages. */
export async function requestOrigin(): Promise<string> {
  return appUrl();
}
