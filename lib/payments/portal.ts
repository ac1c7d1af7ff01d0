// The payment portal: Stripe's Customer Portal, or the local sandbox's page.
import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { createPortalSession } from "@/lib/stripe/billing";
import { activeProvider } from "./provider";

export async function portalUrl(orgId: string, origin = appUrl(), returnPath = "/billing"): Promise<string> {
  if (activeProvider() === "local") return `${origin}/sandbox/portal`;
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org?.stripeCustomerId) throw new AppError("provider_unavailable", "Your billing account is still being set up with Stripe; try again in a minute.");
  return createPortalSession(org.stripeCustomerId, `${origin}${returnPath}`);
}
