"use server";
// The admin attaches, changes or detaches a customer's add-on, with a reason kept in the
// subscription's history; the same step as the customer's own change (proration, Stripe items).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setAddonQuantity } from "@/lib/addons/subscription-addons";
import { formAction } from "@/lib/http/action";
import { notFound } from "@/lib/http/errors";
import { findOrganization } from "@/lib/orgs/organizations";

const ZReason = z.string().trim().min(3, "say why, in a few words").max(500);

async function change(orgId: string, addon: string, quantity: number, reason: string, adminId: string) {
  const org = await findOrganization({ id: orgId });
  if (!org) throw notFound("Customer");
  const r = await setAddonQuantity(org.id, addon, quantity, `user:${adminId}`, new Date(), { reason });
  revalidatePath(`/admin/customers/${org.id}`);
  return r;
}

const outcome = (r: { addon: string; quantity: number; from_quantity: number; applied: boolean }) =>
  !r.applied
    ? `${r.addon} already held × ${r.quantity}: nothing changed.`
    : r.quantity === 0
      ? `${r.addon} detached.`
      : `${r.addon} set to × ${r.quantity} (was × ${r.from_quantity}).`;

export const attachAddonAction = formAction(
  z.object({
    org_id: z.string().min(1),
    addon: z.string().min(1, "choose an add-on"),
    quantity: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(10_000),
    reason: ZReason,
  }),
  async (input, admin) => change(input.org_id, input.addon, input.quantity, input.reason, admin.id),
  { auth: "admin", message: outcome },
);

export const detachAddonAction = formAction(
  z.object({ org_id: z.string().min(1), addon: z.string().min(1, "choose an add-on"), reason: ZReason }),
  async (input, admin) => change(input.org_id, input.addon, 0, input.reason, admin.id),
  { auth: "admin", message: outcome },
);
