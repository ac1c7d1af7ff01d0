"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { formAction } from "@/lib/http/action";

const ZName = z.object({ name: z.string().trim().min(1, "Give the key a name.").max(100) });
const ZRevoke = z.object({ id: z.string().min(1) });

export const createPlatformKey = formAction(
  ZName,
  async ({ name }, admin) => {
    const { key, apiKey } = await createApiKey({ scope: "platform", orgId: null, name, createdByUserId: admin.id });
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
