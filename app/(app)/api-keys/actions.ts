"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { requireOwner } from "@/lib/auth/session";
import { formAction } from "@/lib/http/action";

const ZName = z.object({ name: z.string().trim().min(1, "Give the key a name.").max(100) });
const ZRevoke = z.object({ id: z.string().min(1) });

export const createCustomerKey = formAction(ZName, async ({ name }) => {
  const owner = await requireOwner();
  const { key } = await createApiKey({ scope: "customer", orgId: owner.orgId, name, createdByUserId: owner.id });
  revalidatePath("/api-keys");
  return { key, name };
});

export const revokeCustomerKey = formAction(ZRevoke, async ({ id }) => {
  const owner = await requireOwner();
  await revokeApiKey(owner.orgId, id);
  revalidatePath("/api-keys");
  return { id };
});
