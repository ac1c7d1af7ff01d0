"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey, updateApiKeyRateLimit } from "@/lib/auth/api-keys";
import { KEY_ACCESS_PRESETS } from "@/lib/auth/key-permissions";
import { rateLimitFrom, ZKeyRateLimitForm, ZNewKeyForm } from "@/lib/auth/key-rate-limits";
import { formAction } from "@/lib/http/action";

const ZRevoke = z.object({ id: z.string().min(1) });

export const createCustomerKey = formAction(
  ZNewKeyForm,
  async ({ name, access, ...limit }, owner) => {
    const permissions = KEY_ACCESS_PRESETS[access].permissions;
    const { key, apiKey } = await createApiKey({
      scope: "customer",
      orgId: owner.orgId,
      name,
      permissions,
      rateLimit: rateLimitFrom(limit, permissions),
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

export const setCustomerKeyRateLimit = formAction(
  ZKeyRateLimitForm,
  async ({ id, rate_limit_per_second, rate_limit_burst }, owner) => {
    const k = await updateApiKeyRateLimit(owner.orgId, id, {
      perSecond: rate_limit_per_second,
      burst: rate_limit_burst,
    });
    revalidatePath("/api-keys");
    return { id: k.id };
  },
  { auth: "owner" },
);
