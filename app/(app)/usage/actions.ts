"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert } from "@/lib/alerts/alerts";
import { formAction } from "@/lib/http/action";

const ZAck = z.object({ id: z.string().min(1).max(100) });

export const acknowledgeOwnAlert = formAction(
  ZAck,
  async ({ id }, user) => {
    await acknowledgeAlert(user.orgId, id, `user:${user.id}`);
    revalidatePath("/usage");
    return { id };
  },
  { auth: "customer" },
);
