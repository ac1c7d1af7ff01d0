"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert, findAlert } from "@/lib/alerts/alerts";
import { notFound } from "@/lib/http/errors";
import { formAction } from "@/lib/http/action";

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
