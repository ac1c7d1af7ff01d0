"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey, updateApiKeyRateLimit } from "@/lib/auth/api-keys";
import { KEY_ACCESS_PRESETS } from "@/lib/auth/key-permissions";
import { rateLimitFrom, ZKeyRateLimitForm, ZNewKeyForm } from "@/lib/auth/key-rate-limits";
import { formAction } from "@/lib/http/action";

const ZRevoke = z.object({ id: z.string().min(1) });

export const createPlatformKey = formAction(
  ZNewKeyForm,
  async ({ name, access, ...limit }, admin) => {
    const permissions = KEY_ACCESS_PRESETS[access].permissions;
    const { key, apiKey } = await createApiKey({
      scope: "platform",
      orgId: null,
      name,
      permissions,
      rateLimit: rateLimitFrom(limit, permissions),
      createdByUserId: admin.id,
    });
    revalidatePath("/admin/api-keys");
    return { key, name, id: apiKey.id };
  },
  { auth: "admin" },
);

export const revokePlatformKey = formAction(
  ZRevoke,
  async ({ id }) => {
    await revokeApiKey(null, id);
    revalidatePath("/admin/api-keys");
    return { id };
  },
  { auth: "admin" },
);

export const setPlatformKeyRateLimit = formAction(
  ZKeyRateLimitForm,
  async ({ id, rate_limit_per_second, rate_limit_burst }) => {
    const k = await updateApiKeyRateLimit(null, id, { perSecond: rate_limit_per_second, burst: rate_limit_burst });
    revalidatePath("/admin/api-keys");
    return { id: k.id };
  },
  { auth: "admin" },
);
