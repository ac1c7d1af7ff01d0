"use server";
import { revalidatePath } from "next/cache";
import { requireCustomer } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { kindsFor } from "@/lib/email/kinds";
import { setOptOuts } from "@/lib/email/notify";
import type { ActionState } from "@/lib/http/action";

/** The checked boxes are the kinds the user wants; every other kind they may receive is turned off. */
export async function saveNotificationPreferences(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireCustomer();
  const wanted = new Set(form.getAll("on").map(String));
  const off = kindsFor(user.role)
    .map((k) => k.type as string)
    .filter((t) => !wanted.has(t));
  await setOptOuts(db, user.id, off);
  revalidatePath("/account");
  return { ok: true, data: undefined, message: "Saved: you will get the emails that are checked." };
}
