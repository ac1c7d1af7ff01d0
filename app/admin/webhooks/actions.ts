"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { retryJob } from "@/lib/jobs/outbox";
import { processStoredEvent } from "@/lib/webhooks/receive";

export const replayWebhookAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }) => {
    const r = await processStoredEvent(id);
    revalidatePath("/admin/webhooks");
    revalidatePath(`/admin/webhooks/${id}`);
    return r.body;
  },
  {
    auth: "admin",
    message: (body) =>
      body.outcome === "duplicate"
        ? "Already processed: nothing to do."
        : `Replayed: ${(body.outcome ?? "done").replace(/_/g, " ")}.`,
  },
);

export const retryJobAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }) => {
    await retryJob(id);
    revalidatePath("/admin/monitoring");
    return { id };
  },
  { auth: "admin" },
);
