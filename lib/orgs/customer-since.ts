// "Customer since": when the organization became a customer. Its row can be younger than its
// business with the platform (a customer imported or seeded with a subscription that began before
// the row was written), so the earlier of the row's creation and its first subscription counts.
import "server-only";
import type { Organization } from "@/lib/db/schema";
import { firstSubscriptionAt } from "@/lib/subscriptions/queries";

export async function customerSince(org: Pick<Organization, "id" | "createdAt">): Promise<Date> {
  const first = await firstSubscriptionAt(org.id);
  return first && first < org.createdAt ? first : org.createdAt;
}
