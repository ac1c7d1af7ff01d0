"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert, findAlert } from "@/lib/alerts/alerts";
import { notFound } from "@/lib/http/errors";
import { formAction } from "@/lib/http/action";
import { correctionMessage, previewMessage } from "@/lib/metering/correction-message";
import { previewMatching, retractUsage, selectorOf, ZRetractBody } from "@/lib/metering/corrections";
import { findOrganization } from "@/lib/orgs/organizations";

const ZAck = z.object({ id: z.string().min(1).max(100) });

export const acknowledgeCustomerAlert = formAction(
  ZAck,
  async ({ id }, admin) => {
    const alert = await findAlert(id);
    if (!alert) throw notFound("Alert");
    await acknowledgeAlert(alert.orgId, id, `user:${admin.id}`);
    revalidatePath(`/admin/customers/${alert.orgId}/usage`);
    return { id };
  },
  { auth: "admin" },
);

/** A datetime-local value (no zone) as UTC, which the form's labels say; anything else as typed, for the schema to judge. */
const utc = (v: string | undefined) => {
  const local = v?.match(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/);
  return local ? `${local[1]}${local[2] ?? ":00"}Z` : v || undefined;
};

const ZRetractForm = z
  .object({
    org_id: z.string().min(1).max(100),
    idempotency_key: z.string().min(1).max(255),
    reason: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    event_name: z.string().optional(),
    event_ids: z.string().optional(),
  })
  .transform((f, ctx) => {
    const ids = (f.event_ids ?? "")
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const body = ZRetractBody.safeParse({
      customer_id: f.org_id,
      reason: f.reason,
      ...(ids.length ? { event_ids: ids } : { from: utc(f.from), to: utc(f.to) }),
      ...(!ids.length && f.event_name?.trim() ? { event_name: f.event_name.trim() } : {}),
    });
    if (!body.success) {
      for (const i of body.error.issues) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
      return z.NEVER;
    }
    return { orgId: f.org_id, key: f.idempotency_key, body: body.data };
  });

/** Retracts a customer's usage events (by range or ids) with a reason: the same step as POST /api/v1/events/retract. */
export const retractCustomerUsage = formAction(
  ZRetractForm,
  async ({ orgId, key, body }, admin) => {
    const org = await findOrganization({ id: orgId });
    if (!org) throw notFound("Customer");
    const r = await retractUsage({ type: "admin", userId: admin.id, orgId: null }, org.id, body, key);
    revalidatePath(`/admin/customers/${org.id}/usage`);
    return r.body;
  },
  { auth: "admin", message: correctionMessage },
);

/** The form's preview as it is filled in: how many events "Retract events" would take now (nothing moves). */
export const previewCustomerUsageCorrection = formAction(
  // The reason and key matter to the correction, not to which events it names.
  z.preprocess((v) => ({ ...(v as object), reason: "preview", idempotency_key: "preview" }), ZRetractForm),
  async ({ orgId, body }) => {
    const org = await findOrganization({ id: orgId });
    if (!org) throw notFound("Customer");
    return previewMessage(await previewMatching(org.id, selectorOf(body)));
  },
  { auth: "admin" },
);
