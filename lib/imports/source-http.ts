// Reading another billing system's API: the URL an admin gave (http or https only), its key, a
// timeout, and errors a person can act on — a refused key is a 400 naming `api_key`, a source that
// cannot be reached or answers nonsense is a 503 naming the source. Every list is read to its end.
import "server-only";
import { z } from "zod";
import { AppError, invalidField } from "@/lib/http/errors";
import { httpUrl } from "@/lib/http/http-url";

export type SourceLabel = "FlexPrice" | "Lago";

const TIMEOUT_MS = 15_000;
/** A bound on pages, so a source that always answers "more" cannot keep a request forever. */
export const MAX_PAGES = 500;

/**
 * The API base without the version path the admin may have pasted (`…/v1`, `…/api/v1`): only
 * http(s), no credentials in the URL. An import reads from where an admin points it (admin only).
 */
export function apiBase(raw: string, versionPath: RegExp): string {
  const url = httpUrl(raw, "api_url", "send the key as api_key");
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "").replace(versionPath, "");
}

const unavailable = (source: SourceLabel, why: string) =>
  new AppError("provider_unavailable", `${source} could not be read: ${why}. Nothing was imported.`, [
    { field: "api_url", message: why },
  ]);

/** GET one JSON document; `headers` carries the key. */
export async function getJson(source: SourceLabel, url: string, headers: Record<string, string>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: "application/json", ...headers },
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : "";
    // Redirects are not followed (the address an admin gave is the only one requested).
    if (/redirect/i.test(cause))
      throw invalidField("api_url", `${source} redirected elsewhere: give the final address (https?)`);
    throw unavailable(source, timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : "unreachable");
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw invalidField("api_key", `${source} refused this key (HTTP ${res.status})`);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw invalidField("api_url", `nothing at ${new URL(url).pathname}: is this ${source}'s API address?`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw unavailable(source, `HTTP ${res.status} from ${new URL(url).pathname}`);
  }
  try {
    return await res.json();
  } catch {
    throw unavailable(source, `${new URL(url).pathname} did not answer JSON`);
  }
}

/** Parses a source's answer; a shape Tally does not understand is the source's fault (503), not the admin's. */
export function parseAnswer<S extends z.ZodType>(
  source: SourceLabel,
  path: string,
  schema: S,
  data: unknown,
): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unavailable(source, `unexpected answer from ${path} (${issue?.path.join(".") || "body"}: ${issue?.message})`);
  }
  return parsed.data;
}
