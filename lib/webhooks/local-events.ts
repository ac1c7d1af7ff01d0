// The local sandbox's events, written to the same log as Stripe's webhooks so that an operator
// reads one history whichever provider is active. They are applied as they happen (status processed).
import "server-only";
import type { Executor } from "@/lib/db/client";
import { webhookEvents } from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export async function recordLocalEvent(
  tx: Executor,
  type: string,
  orgId: string,
  object: Record<string, unknown>,
  at = new Date(),
): Promise<void> {
  const id = `evt_local_${newId("whk").slice(4)}`;
  await tx.insert(webhookEvents).values({
    id,
    provider: "local",
    type,
    createdAt: at,
    receivedAt: at,
    // The sandbox is a test mode: its events say so, as Stripe's test-mode events do.
    payload: { id, type, created: Math.floor(at.getTime() / 1000), livemode: false, data: { object } },
    status: "processed",
    attempts: 1,
    processedAt: at,
    orgId,
  });
}
