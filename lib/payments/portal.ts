// The payment portal: Stripe's Customer Portal, or the sandbox's page. Invoice billing has none:
// there is no card to manage.
import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { createPortalSession } from "@/lib/stripe/billing";
import { activeProvider } from "./provider";

export async function portalUrl(orgId: string, origin = appUrl(), returnPath = "/billing"): Promise<string> {
  const provider = activeProvider();
  if (provider === "local") return `${origin}/sandbox/portal`;
  if (provider === "manual")
    throw new AppError(
      "conflict",
      "This installation bills by invoice: there are no payment methods to manage. Pay open invoices as they say.",
    );
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org?.stripeCustomerId)
    throw new AppError(
      "provider_unavailable",
      "Your billing account is still being set up with Stripe; try again in a minute.",
    );
  return createPortalSession(org.stripeCustomerId, `${origin}${returnPath}`);
}
