// A customer's billing details — the buyer an invoice names: billing name, address, country and tax
// ids, kept on the organization. The owner edits them (or the operator for them).
import "server-only";
import { eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { enqueueCustomerDetailsSync } from "@/lib/payments/sync-customer-details";
import { ZBillingDetails, type BillingDetails } from "./party-schemas";

const EMPTY: BillingDetails = ZBillingDetails.parse({});

export async function getBillingDetails(orgId: string, tx: Executor = db): Promise<BillingDetails> {
  const [org] = await tx
    .select({ details: organizations.billingDetails })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw new AppError("not_found", "No such customer.");
  return { ...EMPTY, ...(org.details ?? {}) };
}

/** Changes the fields given (tax_ids replaces the list), under the organization's row lock. */
export async function updateBillingDetails(orgId: string, patch: Partial<BillingDetails>): Promise<BillingDetails> {
  return db.transaction(async (tx) => {
    const [org] = await tx
      .select({ details: organizations.billingDetails })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .for("update");
    if (!org) throw new AppError("not_found", "No such customer.");
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const next: BillingDetails = { ...EMPTY, ...(org.details ?? {}), ...defined };
    await tx
      .update(organizations)
      .set({ billingDetails: next, updatedAt: new Date() })
      .where(eq(organizations.id, orgId));
    await enqueueCustomerDetailsSync(tx, orgId);
    return next;
  });
}

export const billingDetailsJson = (orgId: string, d: BillingDetails) => ({ customer_id: orgId, ...d });
