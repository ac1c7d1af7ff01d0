import type { Organization } from "@/lib/db/schema";

export function customerJson(o: Organization) {
  return {
    id: o.id,
    object: "customer",
    name: o.name,
    email: o.email,
    external_id: o.externalId,
    stripe_customer_id: o.stripeCustomerId,
    allow_overage: o.allowOverage,
    metadata: o.metadata,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
  };
}
