import "server-only";
import { asc, isNull } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";

/** Customers whose payment-provider customer has not been created yet. */
export async function organizationsWithoutProviderId(limit = 100) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      email: organizations.email,
      createdAt: organizations.createdAt,
    })
    .from(organizations)
    .where(isNull(organizations.stripeCustomerId))
    .orderBy(asc(organizations.createdAt))
    .limit(limit);
}

export async function countOrganizationsWithoutProviderId(): Promise<number> {
  return db.$count(organizations, isNull(organizations.stripeCustomerId));
}
