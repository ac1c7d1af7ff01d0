"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { formAction } from "@/lib/http/action";

const ZName = z.object({ name: z.string().trim().min(1, "Give the key a name.").max(100) });
const ZRevoke = z.object({ id: z.string().min(1) });

export const createCustomerKey = formAction(
  ZName,
  async ({ name }, owner) => {
    const { key, apiKey } = await createApiKey({
      scope: "customer",
      orgId: owner.orgId,
      name,
      createdByUserId: owner.id,
    });
    revalidatePath("/api-keys");
    return { key, name, id: apiKey.id };
  },
  { auth: "owner" },
);

export const revokeCustomerKey = formAction(
  ZRevoke,
  async ({ id }, owner) => {
    await revokeApiKey(owner.orgId, id);
    revalidatePath("/api-keys");
    return { id };
  },
  { auth: "owner" },
);
