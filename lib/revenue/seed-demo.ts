// Demo revenue history, so the admin's revenue pages have a believable year out of the box: nine
// more customers with new subscriptions, an upgrade, a downgrade, a discount, a yearly plan, a
// churn, a reactivation, a customer past due and one on a trial — written straight into the
// subscription history with explicit past dates (a few bulk statements, so `npm start` stays
// fast), with the invoices and card payments of every period, a few credit packs bought (and
// partly spent) and two refunds.
import { formatCard, formatCredits } from "@/lib/format";
import "server-only";
import { UTCDate } from "@date-fns/utc";
import { addMonths, addYears } from "date-fns";
import { eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { claimNumbers } from "@/lib/invoices/numbers";
import { DEFAULT_NUMBER_PREFIX } from "@/lib/invoices/party-schemas";
import {
  coupons,
  creditProducts,
  invoiceLines,
  invoices,
  organizations,
  payments,
  plans,
  subscriptionDiscounts,
  subscriptionHistory,
  subscriptions,
  type Plan,
  type SubscriptionAction,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { newId } from "@/lib/ids";
import { D, roundToMinor } from "@/lib/money";
import { createOrganization } from "@/lib/orgs/organizations";
import { addSandboxCard, DECLINING_CARD } from "@/lib/payments/payment-methods";
import { addDays, periodContaining, startOfUtcDay } from "@/lib/time";

type Step = {
  at: Date;
  action: SubscriptionAction;
  plan?: string;
  status?: SubscriptionStatus;
  discount?: string;
  cancelAtPeriodEnd?: boolean;
  comment?: string;
};
type Spec = { name: string; external: string; card?: string; subscriptions: Step[][]; refundLast?: boolean };

const months = (d: Date, n: number) => new Date(addMonths(new UTCDate(d.getTime()), n).getTime());
const hours = (d: Date, h: number) => new Date(d.getTime() + h * 3_600_000);

/** The customers and what happened to them, relative to the day of seeding. */
function specs(now: Date): Spec[] {
  const base = startOfUtcDay(now);
  const M = (n: number, days = 0) => addDays(months(base, -n), days);
  // The k-th monthly renewal of an anchor: plan changes and cancellations at period end land on one.
  const renewal = (anchor: Date, k: number) => months(anchor, k);
  const initech = M(11);
  const hooli = M(9, 5);
  const wayne = M(7, 8);
  const soylent = M(6, 4);
  const vandelay = M(3, 6);
  return [
    {
      name: "Initech",
      external: "initech",
      card: "4242424242424242",
      subscriptions: [
        [
          { at: initech, action: "created", plan: "starter-monthly" },
          {
            at: renewal(initech, 5),
            action: "plan_changed",
            plan: "professional-monthly",
            comment: "Upgraded at renewal",
          },
        ],
      ],
    },
    {
      name: "Umbrella Corp",
      external: "umbrella",
      card: "5555555555554444",
      subscriptions: [[{ at: M(10, 3), action: "created", plan: "enterprise-yearly" }]],
    },
    {
      name: "Hooli",
      external: "hooli",
      card: "4242424242424242",
      subscriptions: [
        [
          { at: hooli, action: "created", plan: "professional-monthly" },
          { at: hours(renewal(hooli, 4), 250), action: "cancel_scheduled", cancelAtPeriodEnd: true },
          { at: renewal(hooli, 5), action: "canceled", status: "canceled", comment: "Canceled at period end" },
        ],
        [{ at: hours(M(1, 2), 10), action: "created", plan: "starter-monthly", comment: "Came back on Starter" }],
      ],
    },
    {
      name: "Stark Industries",
      external: "stark",
      card: "378282246310005",
      subscriptions: [
        [
          { at: M(8, 1), action: "created", plan: "professional-monthly" },
          { at: hours(M(5, 1), 12), action: "discount_changed", discount: "20", comment: "Annual partner discount" },
        ],
      ],
    },
    {
      name: "Wayne Enterprises",
      external: "wayne",
      card: "4242424242424242",
      subscriptions: [
        [
          { at: wayne, action: "created", plan: "enterprise-monthly" },
          { at: hours(renewal(wayne, 4), 300), action: "plan_change_scheduled" },
          {
            at: renewal(wayne, 5),
            action: "plan_changed",
            plan: "professional-monthly",
            comment: "Downgraded at period end",
          },
        ],
      ],
    },
    {
      name: "Soylent",
      external: "soylent",
      card: "4242424242424242",
      refundLast: true,
      subscriptions: [
        [
          { at: soylent, action: "created", plan: "starter-monthly" },
          { at: hours(renewal(soylent, 2), 30), action: "cancel_scheduled", cancelAtPeriodEnd: true },
          { at: renewal(soylent, 3), action: "canceled", status: "canceled", comment: "Canceled at period end" },
        ],
      ],
    },
    {
      name: "Vandelay Industries",
      external: "vandelay",
      card: DECLINING_CARD,
      subscriptions: [
        [
          { at: vandelay, action: "trial_started", plan: "starter-monthly", status: "trialing" },
          { at: addDays(vandelay, 14), action: "activated", status: "active" },
        ],
      ],
    },
    {
      name: "Pied Piper",
      external: "pied-piper",
      subscriptions: [
        [
          {
            at: hours(addDays(base, -5), 14),
            action: "trial_started",
            plan: "professional-monthly",
            status: "trialing",
          },
        ],
      ],
    },
    {
      name: "Massive Dynamic",
      external: "massive",
      card: "4242424242424242",
      subscriptions: [[{ at: M(2, 11), action: "created", plan: "professional-yearly" }]],
    },
  ];
}

type Bill = {
  orgId: string;
  subscriptionId: string;
  plan: Plan;
  discount: string;
  start: Date;
  end: Date;
  paid: boolean;
  refund: boolean;
  cardLabel: string | null;
};
type State = {
  plan: Plan;
  status: SubscriptionStatus;
  discount: string;
  cancelAtPeriodEnd: boolean;
  anchor: Date;
  trialEnd: Date | null;
};

export async function seedDemoRevenue({ now }: { now: Date }): Promise<void> {
  const catalog = new Map((await db.select().from(plans).where(eq(plans.isLatest, true))).map((p) => [p.code, p]));
  if (!catalog.has("starter-monthly")) return; // not the demo catalog
  const history: (typeof subscriptionHistory.$inferInsert)[] = [];
  const bills: Bill[] = [];

  const orgIds = new Map<string, { id: string; cardLabel: string | null }>();
  await db.transaction(async (tx) => {
    for (const spec of specs(now)) {
      const org = await createOrganization(
        {
          name: spec.name,
          email: `billing@${spec.external}.example`,
          externalId: spec.external,
          metadata: { demo: "revenue" },
        },
        tx,
      );
      // Customer since its first subscription, not since the seed ran.
      await tx
        .update(organizations)
        .set({ createdAt: spec.subscriptions[0]![0]!.at })
        .where(eq(organizations.id, org.id));
      const card = spec.card ? await addSandboxCard(tx, org.id, { number: spec.card }) : null;
      const cardLabel = card ? formatCard(card.brand, card.last4) : null;
      orgIds.set(spec.external, { id: org.id, cardLabel });
      for (const steps of spec.subscriptions) {
        const subId = newId("sub");
        const first = catalog.get(steps[0]!.plan!)!;
        const s: State = {
          plan: first,
          status: steps[0]!.status ?? "active",
          discount: "0",
          cancelAtPeriodEnd: false,
          anchor: steps[0]!.at,
          trialEnd: null,
        };
        const orgBills: typeof bills = [];
        const row = (at: Date, action: SubscriptionAction, from: State | null, comment?: string) =>
          history.push({
            id: newId("sbh", at.getTime()),
            orgId: org.id,
            subscriptionId: subId,
            occurredAt: at,
            action,
            fromStatus: from?.status ?? null,
            status: s.status,
            fromPlanId: from && from.plan.id !== s.plan.id ? from.plan.id : null,
            planId: s.plan.id,
            interval: s.plan.interval,
            basePriceCents: s.plan.basePriceCents,
            currency: s.plan.currency,
            discountPercent: s.discount,
            cancelAtPeriodEnd: s.cancelAtPeriodEnd,
            actor: "seed",
            comment: comment ?? null,
            recordedAt: at,
          });
        const bill = (start: Date) => {
          const end = periodEnd(s.anchor, s.plan, start);
          orgBills.push({
            orgId: org.id,
            subscriptionId: subId,
            plan: s.plan,
            discount: s.discount,
            start,
            end,
            paid: true,
            refund: false,
            cardLabel,
          });
        };
        if (s.status === "trialing") s.trialEnd = addDays(steps[0]!.at, s.plan.trialDays);
        row(steps[0]!.at, steps[0]!.action, null, steps[0]!.comment);
        if (s.status === "active") bill(steps[0]!.at);
        const ended = () => s.status === "canceled";
        for (let i = 1; i <= steps.length; i++) {
          const next = steps[i];
          const until = next?.at ?? now;
          // Renewals between changes, one history row and one invoice each, as the rollover job writes them.
          if (s.status === "active" || s.status === "past_due") {
            for (let k = 1; ; k++) {
              const at = periodStart(s.anchor, s.plan, k);
              if (at <= (orgBills[orgBills.length - 1]?.start ?? s.anchor) || at <= steps[i - 1]!.at) continue;
              if (at >= until || (next && at.getTime() === next.at.getTime())) break;
              row(at, "renewed", { ...s });
              bill(at);
            }
          }
          if (!next) break;
          const before = { ...s };
          if (next.plan) {
            const plan = catalog.get(next.plan)!;
            if (plan.interval !== s.plan.interval) s.anchor = next.at;
            s.plan = plan;
          }
          if (next.status) s.status = next.status;
          if (next.discount !== undefined) s.discount = next.discount;
          if (next.cancelAtPeriodEnd !== undefined) s.cancelAtPeriodEnd = next.cancelAtPeriodEnd;
          if (next.action === "activated") {
            s.anchor = next.at;
            s.trialEnd = next.at;
          }
          row(next.at, next.action, before, next.comment);
          if (next.action === "activated" || next.action === "plan_changed") bill(next.at);
          if (ended()) break;
        }
        // A declining card: the newest renewal failed and the subscription is past due since.
        const last = orgBills[orgBills.length - 1];
        if (spec.card === DECLINING_CARD && last && last.start.getTime() !== s.anchor.getTime() && !ended()) {
          last.paid = false;
          const before = { ...s };
          s.status = "past_due";
          row(new Date(last.start.getTime() + 60_000), "past_due", before, "Renewal payment failed");
        }
        if (spec.refundLast && last) last.refund = true;
        bills.push(...orgBills);

        const endedAt = ended() ? steps[steps.length - 1]!.at : null;
        // The period the subscription is in now (a trial: the trial; ended: its last period).
        const period =
          s.status === "trialing"
            ? { start: steps[0]!.at, end: s.trialEnd! }
            : periodContaining(s.anchor, s.plan.interval, endedAt ? new Date(endedAt.getTime() - 1) : now);
        await tx.insert(subscriptions).values({
          id: subId,
          orgId: org.id,
          planId: s.plan.id,
          status: s.status,
          interval: s.plan.interval,
          billingAnchor: s.status === "trialing" ? s.trialEnd! : s.anchor,
          currentPeriodStart: period.start,
          currentPeriodEnd: period.end,
          trialEnd: s.trialEnd,
          cancelAtPeriodEnd: s.cancelAtPeriodEnd,
          canceledAt: endedAt,
          endedAt,
          pastDueSince: s.status === "past_due" ? new Date(last!.start.getTime() + 60_000) : null,
          discountPercent: s.discount,
          externalId: `${spec.external}-${subId.slice(-6)}`,
          provider: spec.card ? "local" : "manual",
          createdAt: steps[0]!.at,
          updatedAt: now,
        });
        // A discount is a coupon (lib/coupons) attached to the subscription, as migration 0022 made
        // of the percents that came before coupons: its invoices carry the discount line.
        if (new D(s.discount).gt(0) && !endedAt) {
          const couponId = `cpn_legacy_${s.discount.replace(".", "_")}`;
          await tx
            .insert(coupons)
            .values({
              id: couponId,
              code: `LEGACY-${s.discount.replace(".", "_")}`,
              name: `${s.discount} % off (existing discount)`,
              percentOff: s.discount,
              duration: "forever",
              appliesTo: "plan",
            })
            .onConflictDoNothing();
          await tx.insert(subscriptionDiscounts).values({
            id: newId("sdc"),
            orgId: org.id,
            subscriptionId: subId,
            couponId,
            startsAt: period.start,
            actor: "seed",
          });
          await tx
            .update(coupons)
            .set({ timesRedeemed: sql`${coupons.timesRedeemed} + 1` })
            .where(eq(coupons.id, couponId));
        }
      }
    }
    for (let i = 0; i < history.length; i += 500)
      await tx.insert(subscriptionHistory).values(history.slice(i, i + 500));
    await insertBills(tx, bills);
    await seedPackPurchases(tx, orgIds, now);
  });
  // Some of the purchased credits were spent since (each spend is its own movement, as over the API).
  const base = startOfUtcDay(now);
  const spends: [string, string, Date][] = [
    ["initech", "3200", addDays(months(base, -4), 10)],
    ["stark", "12500", addDays(base, -20)],
  ];
  for (const [external, quantity, at] of spends) {
    const org = orgIds.get(external);
    if (org)
      await consumeCredits(org.id, {
        eventName: "api_call_basic",
        quantity,
        idempotencyKey: `seed:revenue:${external}:spend`,
        reference: "seed",
        actor: "seed",
        now: at,
      });
  }
}

/** Credit packs bought by card (one refunded in full), each with its invoice, payment and purchased-credits grant. */
async function seedPackPurchases(
  tx: Executor,
  orgIds: Map<string, { id: string; cardLabel: string | null }>,
  now: Date,
) {
  const packs = new Map((await tx.select().from(creditProducts)).map((p) => [p.code, p]));
  const base = startOfUtcDay(now);
  const buys: { external: string; pack: string; at: Date; refunded?: boolean }[] = [
    { external: "wayne", pack: "credits-1k", at: hours(addDays(months(base, -6), 10), 15), refunded: true },
    { external: "initech", pack: "credits-5k", at: hours(addDays(months(base, -4), 3), 9) },
    { external: "stark", pack: "credits-20k", at: hours(addDays(months(base, -1), 6), 16) },
    { external: "umbrella", pack: "credits-1k", at: hours(addDays(base, -3), 11) },
  ];
  for (const b of buys) {
    const org = orgIds.get(b.external);
    const pack = packs.get(b.pack);
    if (!org || !pack) continue;
    const invoiceId = newId("inv", b.at.getTime());
    const paymentId = `py_local_seed_${invoiceId.slice(4)}`;
    await tx.insert(invoices).values({
      id: invoiceId,
      orgId: org.id,
      provider: "local",
      number: (await claimNumbers(tx, "invoice", DEFAULT_NUMBER_PREFIX, [org.id]))[0]!,
      status: "paid",
      currency: pack.currency,
      subtotalCents: pack.priceCents,
      totalCents: pack.priceCents,
      amountPaidCents: pack.priceCents,
      amountDueCents: 0,
      issuedAt: b.at,
      dueAt: b.at,
      paidAt: b.at,
      description: "Credit pack",
      sourceKey: `seed:pack:${invoiceId}`,
      createdAt: b.at,
    });
    await tx.insert(invoiceLines).values({
      id: newId("inl"),
      invoiceId,
      orgId: org.id,
      position: 0,
      kind: "credits",
      description: `${pack.name} (${formatCredits(pack.credits)})`,
      quantity: "1",
      unitAmount: new D(pack.priceCents).div(100).toFixed(2),
      amountCents: pack.priceCents,
    });
    await tx.insert(payments).values({
      id: newId("pay", b.at.getTime()),
      orgId: org.id,
      provider: "local",
      providerPaymentId: paymentId,
      kind: "credits",
      status: b.refunded ? "refunded" : "succeeded",
      amountCents: pack.priceCents,
      amountRefundedCents: b.refunded ? pack.priceCents : 0,
      currency: pack.currency,
      description: "Credit pack",
      invoiceId,
      creditProductId: pack.id,
      paymentMethodLabel: org.cardLabel,
      createdAt: b.at,
      updatedAt: b.at,
    });
    await grantPurchasedCredits(org.id, { creditProductId: pack.id, paymentId, actor: "seed", now: b.at }, tx);
  }
}

function periodStart(anchor: Date, plan: Plan, k: number): Date {
  return new Date((plan.interval === "month" ? addMonths : addYears)(new UTCDate(anchor.getTime()), k).getTime());
}

function periodEnd(anchor: Date, plan: Plan, start: Date): Date {
  return periodContaining(anchor, plan.interval, start).end;
}

async function insertBills(tx: Executor, bills: Bill[]) {
  const invoiceRows: (typeof invoices.$inferInsert)[] = [];
  const lineRows: (typeof invoiceLines.$inferInsert)[] = [];
  const paymentRows: (typeof payments.$inferInsert)[] = [];
  for (const b of bills) {
    const discount = new D(b.discount);
    const off = discount.gt(0)
      ? roundToMinor(new D(b.plan.basePriceCents).mul(discount).div(100).div(100), b.plan.currency)
      : 0;
    const total = b.plan.basePriceCents - off;
    if (total <= 0) continue;
    const id = newId("inv", b.start.getTime());
    invoiceRows.push({
      id,
      orgId: b.orgId,
      provider: "local",
      number: "", // claimed below, in issue order
      status: b.paid ? "paid" : "open",
      currency: b.plan.currency,
      subtotalCents: total,
      totalCents: total,
      amountPaidCents: b.paid ? total : 0,
      amountDueCents: b.paid ? 0 : total,
      subscriptionId: b.subscriptionId,
      periodStart: b.start,
      periodEnd: b.end,
      issuedAt: b.start,
      dueAt: b.start,
      paidAt: b.paid ? b.start : null,
      sourceKey: `subscription:${b.subscriptionId}:${b.start.toISOString()}`,
      createdAt: b.start,
    });
    lineRows.push({
      id: newId("inl"),
      invoiceId: id,
      orgId: b.orgId,
      position: 0,
      kind: "subscription",
      description: `${b.plan.name} (${b.plan.interval === "month" ? "monthly" : "yearly"})`,
      quantity: "1",
      unitAmount: new D(b.plan.basePriceCents).div(100).toFixed(2),
      amountCents: b.plan.basePriceCents,
      periodStart: b.start,
      periodEnd: b.end,
    });
    if (off)
      lineRows.push({
        id: newId("inl"),
        invoiceId: id,
        orgId: b.orgId,
        position: 1,
        kind: "other",
        description: `Discount ${b.discount} %`,
        quantity: "1",
        amountCents: -off,
      });
    paymentRows.push({
      id: newId("pay", b.start.getTime()),
      orgId: b.orgId,
      provider: "local",
      providerPaymentId: `py_local_seed_${id.slice(4)}`,
      kind: "subscription",
      status: !b.paid ? "failed" : b.refund ? "partially_refunded" : "succeeded",
      amountCents: total,
      amountRefundedCents: b.refund ? roundToMinor(new D(total).div(2).div(100), b.plan.currency) : 0,
      currency: b.plan.currency,
      description: `Invoice for ${b.plan.name}`,
      invoiceId: id,
      paymentMethodLabel: b.cardLabel,
      failureMessage: b.paid ? null : "Your card was declined.",
      createdAt: b.start,
      updatedAt: b.start,
    });
  }
  const numbers = await claimNumbers(
    tx,
    "invoice",
    DEFAULT_NUMBER_PREFIX,
    invoiceRows.map((r) => r.orgId),
  );
  invoiceRows.forEach((r, n) => (r.number = numbers[n]!));
  for (let i = 0; i < invoiceRows.length; i += 200) {
    await tx.insert(invoices).values(invoiceRows.slice(i, i + 200));
  }
  for (let i = 0; i < lineRows.length; i += 500) await tx.insert(invoiceLines).values(lineRows.slice(i, i + 500));
  for (let i = 0; i < paymentRows.length; i += 500) await tx.insert(payments).values(paymentRows.slice(i, i + 500));
}
