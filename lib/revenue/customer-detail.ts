// One customer's revenue picture for the admin's customer page: its subscription history (each
// change with the MRR after it), invoices, charges, and totals.
import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { describeActors } from "@/lib/auth/describe-actors";
import { db } from "@/lib/db/client";
import { int, selectRows, text } from "@/lib/db/rows";
import { plans, subscriptionHistory } from "@/lib/db/schema";
import { listInvoices } from "@/lib/invoices/queries";
import { listCharges } from "./lists";
import { mrrMinor } from "./mrr";
import { COLLECTED_STATUSES, paymentNetOfTax } from "./non-recurring";

const collected = sql.raw(COLLECTED_STATUSES.map((s) => `'${s}'`).join(", "));

export async function customerRevenue(orgId: string) {
  const [history, invoices, charges, totals] = await Promise.all([
    db
      .select({ h: subscriptionHistory, planName: plans.name, tier: plans.tier })
      .from(subscriptionHistory)
      .innerJoin(plans, eq(plans.id, subscriptionHistory.planId))
      .where(eq(subscriptionHistory.orgId, orgId))
      .orderBy(desc(subscriptionHistory.occurredAt), desc(subscriptionHistory.recordedAt), desc(subscriptionHistory.id))
      .limit(100),
    listInvoices(orgId, 24),
    listCharges({ orgId, limit: 24 }),
    selectRows(
      { currency: text, net: int, refunded: int },
      sql`select currency, sum(${paymentNetOfTax()})::text as net, sum(amount_refunded_cents)::text as refunded
          from payments where org_id = ${orgId} and status in (${collected}) and livemode group by currency order by currency`,
    ),
  ]);
  const who = await describeActors(history.map((r) => r.h.actor));
  return {
    history: history.map(({ h, planName, tier }) => ({
      id: h.id,
      occurredAt: h.occurredAt,
      action: h.action,
      fromStatus: h.fromStatus,
      status: h.status,
      planName,
      tier,
      interval: h.interval,
      basePriceCents: h.basePriceCents,
      currency: h.currency,
      discountPercent: h.discountPercent,
      cancelAtPeriodEnd: h.cancelAtPeriodEnd,
      // A test (sandbox) subscription's changes move no MRR.
      mrrCents: h.livemode ? mrrMinor(h) : 0,
      livemode: h.livemode,
      /** Who made the change, in words (a person's name and email, an API key, Stripe, a job). */
      actor: who.get(h.actor) ?? h.actor,
      comment: h.comment,
    })),
    invoices,
    charges: charges.rows,
    collected: totals.map((t) => ({
      currency: t.currency,
      netCents: t.net,
      refundedCents: t.refunded,
    })),
  };
}

export type CustomerHistoryRow = Awaited<ReturnType<typeof customerRevenue>>["history"][number];
