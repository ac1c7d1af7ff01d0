// A route's answer through idempotentCall: replays say so in a header, as the other money endpoints do.
import "server-only";
import { json, type RequestLike } from "@/lib/http/route";
import { idempotencyKeyOf, idempotentCall } from "./idempotent";

export async function idempotentReply(req: RequestLike, claim: { orgId: string | null; scope: string; request: unknown }, run: () => Promise<{ status: number; body: unknown }>) {
  const key = idempotencyKeyOf(req);
  const r = await idempotentCall(key ? { ...claim, key } : null, run);
  return json(r.body, r.status, r.replayed ? { "idempotent-replayed": "true" } : undefined);
}
