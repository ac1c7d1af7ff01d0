// Organizations (the platform's customers): create, read, update, list. Creating one is the single
// place where follow-up work (e.g. the payment provider's customer) is enqueued.
import "server-only";
import { and, asc, eq, gt, ilike, isNull, or, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { organizations, type Organization } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { broadcastInvalidation } from "@/lib/cache/invalidation";
import { afterOrganizationCreated } from "./hooks";

export type OrganizationInput = {
  name: string;
  email?: string | null;
  externalId?: string | null;
  metadata?: Record<string, string>;
};

/**
 * `stripeCustomerId`: the customer already exists at Stripe (adopted, lib/payments/adopt-stripe.ts),
 * so none is enqueued for creation.
 */
export async function createOrganization(
  input: OrganizationInput & { stripeCustomerId?: string },
  tx: Executor = db,
): Promise<Organization> {
  try {
    const [org] = await tx
      .insert(organizations)
      .values({
        id: newId("org"),
        name: input.name,
        email: input.email ?? null,
        externalId: input.externalId ?? null,
        metadata: input.metadata ?? {},
        stripeCustomerId: input.stripeCustomerId ?? null,
      })
      .returning();
    await afterOrganizationCreated(org!, tx);
    return org!;
  } catch (e) {
    if (isUniqueViolation(e, "organizations_external_id_key")) {
      throw conflict(`A customer with external_id "${input.externalId}" already exists.`, [
        { field: "external_id", message: "already in use" },
      ]);
    }
    throw e;
  }
}

export async function getOrganization(orgId: string, tx: Executor = db): Promise<Organization> {
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  return org;
}

/**
 * Links an existing Stripe customer to the organization, only while it has none: false when it is
 * linked already (to this or another customer), which the caller reports rather than overwrites.
 */
export async function linkStripeCustomer(orgId: string, stripeCustomerId: string, tx: Executor = db): Promise<boolean> {
  const linked = await tx
    .update(organizations)
    .set({ stripeCustomerId, updatedAt: new Date() })
    .where(and(eq(organizations.id, orgId), isNull(organizations.stripeCustomerId)))
    .returning({ id: organizations.id });
  return linked.length === 1;
}

/** Finds a customer by Tally id or by the platform's external id. */
export async function findOrganization(
  ref: { id?: string; externalId?: string },
  tx: Executor = db,
): Promise<Organization | null> {
  const where = ref.id
    ? eq(organizations.id, ref.id)
    : ref.externalId
      ? eq(organizations.externalId, ref.externalId)
      : undefined;
  if (!where) return null;
  const [org] = await tx.select().from(organizations).where(where);
  return org ?? null;
}

/** A customer named in a path: Tally's id or the platform's external id. */
export async function findOrganizationByRef(ref: string, tx: Executor = db): Promise<Organization | null> {
  return (await findOrganization({ id: ref }, tx)) ?? (await findOrganization({ externalId: ref }, tx));
}

export async function updateOrganization(
  orgId: string,
  patch: Partial<OrganizationInput>,
  tx: Executor = db,
): Promise<Organization> {
  try {
    const [org] = await tx
      .update(organizations)
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.externalId !== undefined && { externalId: patch.externalId }),
        ...(patch.metadata !== undefined && { metadata: patch.metadata }),
        updatedAt: new Date(),
      })
      .where(eq(organizations.id, orgId))
      .returning();
    if (!org) throw notFound("Customer");
    // Usage ingestion caches customer references: a new external id must reach it at once.
    if (patch.externalId !== undefined) await broadcastInvalidation("org", org.id, tx);
    return org;
  } catch (e) {
    if (isUniqueViolation(e, "organizations_external_id_key")) {
      throw conflict(`A customer with external_id "${patch.externalId}" already exists.`, [
        { field: "external_id", message: "already in use" },
      ]);
    }
    throw e;
  }
}

/** Cursor-paginated by id (ids are time-ordered), optionally filtered by a search on name, email or external id. */
export async function listOrganizations(opts: {
  limit: number;
  cursor?: string;
  search?: string;
}): Promise<{ data: Organization[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (opts.cursor) conditions.push(gt(organizations.id, opts.cursor));
  if (opts.search) {
    const q = `%${opts.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(ilike(organizations.name, q), ilike(organizations.email, q), ilike(organizations.externalId, q))!,
    );
  }
  const rows = await db
    .select()
    .from(organizations)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(organizations.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  return { data: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
}
