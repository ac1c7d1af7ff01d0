// The admin's customer list: each customer with its current plan and status.
import "server-only";
import { listOrganizations } from "./organizations";
import { liveSubscriptionsByOrg } from "@/lib/subscriptions/queries";

export async function listCustomersWithPlans(opts: { limit: number; cursor?: string; search?: string }) {
  const page = await listOrganizations(opts);
  const subs = await liveSubscriptionsByOrg(page.data.map((o) => o.id));
  return {
    nextCursor: page.nextCursor,
    rows: page.data.map((o) => {
      const s = subs.get(o.id);
      return {
        id: o.id,
        name: o.name,
        externalId: o.externalId,
        email: o.email,
        createdAt: o.createdAt,
        plan: s ? { name: s.plan.name, interval: s.plan.interval, basePriceCents: s.plan.basePriceCents, currency: s.plan.currency } : null,
        status: s?.subscription.status ?? null,
      };
    }),
  };
}
