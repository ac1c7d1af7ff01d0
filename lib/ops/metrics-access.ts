// Who may read /api/metrics. Its series name routes, outcomes and volumes — not for the public —
// so a scrape needs the METRICS_TOKEN bearer token, or an operator (admin session or platform
// key). Without a token, a server that listens on loopback only (HOSTNAME_BIND=127.0.0.1, ::1 or
// localhost) answers anyone who can reach it, which is this machine: set METRICS_TOKEN when a
// reverse proxy on the same machine forwards outside traffic to that address.
import "server-only";
import { timingSafeEqual } from "node:crypto";
import { resolveActor, isOperator } from "@/lib/auth/actor";
import { env, listensOnLoopbackOnly } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";

export async function authorizeMetricsScrape(req: RequestLike): Promise<void> {
  const token = env().METRICS_TOKEN;
  if (token && bearerIs(req.headers.get("authorization"), token)) return;
  if (!token && listensOnLoopbackOnly()) return;
  const actor = await resolveActor(req);
  const how = token
    ? "Send 'Authorization: Bearer <METRICS_TOKEN>'"
    : "Set METRICS_TOKEN and send it as 'Authorization: Bearer <token>'";
  if (!actor) throw new AppError("unauthenticated", `${how}, or sign in as an admin, to read metrics.`);
  if (!isOperator(actor)) throw new AppError("forbidden", `Metrics are for the platform's operators. ${how}.`);
}

function bearerIs(header: string | null, token: string): boolean {
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!m) return false;
  const [a, b] = [Buffer.from(m[1]!.trim()), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}
