"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { KEY_ACCESS_PRESETS, ZKeyForm } from "@/lib/auth/key-permissions";
import { formAction } from "@/lib/http/action";

const ZRevoke = z.object({ id: z.string().min(1) });

export const createPlatformKey = formAction(
  ZKeyForm,
  async ({ name, access }, admin) => {
    const { key, apiKey } = await createApiKey({
      scope: "platform",
      orgId: null,
      name,
      permissions: KEY_ACCESS_PRESETS[access].permissions,
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
