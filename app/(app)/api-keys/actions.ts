"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { KEY_ACCESS_PRESETS, ZKeyForm } from "@/lib/auth/key-permissions";
import { formAction } from "@/lib/http/action";

const ZRevoke = z.object({ id: z.string().min(1) });

export const createCustomerKey = formAction(
  ZKeyForm,
  async ({ name, access }, owner) => {
    const { key, apiKey } = await createApiKey({
      scope: "customer",
      orgId: owner.orgId,
      name,
      permissions: KEY_ACCESS_PRESETS[access].permissions,
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
