// What must happen when an organization is created, in the same transaction: its payment
// provider's customer is enqueued in the outbox (created by a worker, with retries).
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Organization } from "@/lib/db/schema";
import { enqueueProviderCustomer } from "@/lib/payments/provider-customer";

export async function afterOrganizationCreated(org: Organization, tx: Executor): Promise<void> {
  await enqueueProviderCustomer(tx, org);
}
