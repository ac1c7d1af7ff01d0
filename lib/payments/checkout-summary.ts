import { formatCredits, formatMoney } from "@/lib/format";
import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditProducts, organizations, plans } from "@/lib/db/schema";
import { getCheckoutSession } from "./checkout";

/** What the sandbox checkout page shows: the item, its terms, and what is due today. */
export async function checkoutSummary(orgId: string, sessionId: string) {
  const session = await getCheckoutSession(orgId, sessionId);
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  if (session.kind === "subscription") {
    const [plan] = await db.select().from(plans).where(eq(plans.id, session.planId!));
    const per = plan!.interval === "month" ? "month" : "year";
    return {
      session,
      orgName: org!.name,
      title: `${plan!.name} — ${per === "month" ? "monthly" : "yearly"}`,
      detail:
        plan!.trialDays > 0
          ? `${plan!.trialDays}-day free trial, then ${formatMoney(plan!.basePriceCents, plan!.currency)} a ${per}. Cancel any time.`
          : `Billed every ${per} from today. Cancel any time.`,
      dueLabel: "due today",
    };
  }
  const [product] = await db.select().from(creditProducts).where(eq(creditProducts.id, session.creditProductId!));
  return {
    session,
    orgName: org!.name,
    title: product!.name,
    detail: `${formatCredits(product!.credits)} that never expire, spent before your plan's credits.`,
    dueLabel: "one-time",
  };
}
