import type { Organization } from "@/lib/db/schema";
import type { CustomerJson } from "./schemas";

export function customerJson(o: Organization): CustomerJson {
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
