// The auto top-up job (credits.auto_top_up, enqueued by the crossing trigger or by turning auto
// top-up on below the threshold): records the crossing once, applies the monthly limit, and buys
// the pack on the installation's rail —
//   sandbox: the saved sandbox card is charged as a checkout's is (invoice, charge, grant), in one
//            transaction;
//   stripe:  a PaymentIntent off_session + confirm on the saved card, keyed by the top-up, so a
//            retried job never charges twice; a success grants through the same path a checkout's
//            payment does (recordPayment + onCreditPackPaid, keyed by the PaymentIntent, so the
//            payment_intent.succeeded webhook grants nothing more);
//   invoice: an open invoice for the pack, as an invoice-billing checkout issues; the credits come
//            when an operator records it paid.
// A declined card or one that needs the customer's authentication ends this crossing's attempt
// with an alert: nothing retries it in a loop. The next crossing tries again.
import "server-only";
import { and, eq } from "drizzle-orm";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { AUTO_TOP_UP_JOB, topUpsThisMonth } from "@/lib/credits/auto-top-up";
import { db, type Executor } from "@/lib/db/client";
import {
  autoTopUps,
  autoTopUpSettings,
  checkoutSessions,
  creditProducts,
  organizations,
  type AutoTopUp,
  type CreditProduct,
  type Job,
} from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { formatCard, formatCredits, formatMoney } from "@/lib/format";
import { newId } from "@/lib/ids";
import { emitAutoTopUpFinished } from "@/lib/outbound-webhooks/events";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { registerOutboxHandler } from "@/lib/jobs/outbox";
import { dec } from "@/lib/money";
import { chargeOffSession } from "@/lib/stripe/off-session";
import { packPaymentProblem } from "./credit-pack-payment";
import { onCreditPackPaid } from "./credit-purchase";
import { invoiceCheckout } from "./invoice-checkout";
import { chargeInvoice } from "./local-billing";
import { defaultPaymentMethod } from "./payment-methods";
import { activeProvider } from "./provider";
import { recordPayment } from "./record-payment";

type Payload = { crossing_key?: unknown; balance?: unknown; threshold?: unknown };

export type AutoTopUpRun = { outcome: "off" | "replayed" | AutoTopUp["status"]; topUpId?: string };

/** Runs the top-up of one crossing; safe to run again (a retried job): it acts once per crossing. */
export async function runAutoTopUp(orgId: string, payload: Payload, now = new Date()): Promise<AutoTopUpRun> {
  const crossingKey = String(payload.crossing_key ?? "");
  if (!crossingKey) return { outcome: "off" };
  const claimed = await db.transaction(async (tx) => {
    // The settings row's lock orders two crossings' jobs, so the monthly limit is exact.
    const [settings] = await tx
      .select()
      .from(autoTopUpSettings)
      .where(eq(autoTopUpSettings.orgId, orgId))
      .for("update");
    const [existing] = await tx
      .select()
      .from(autoTopUps)
      .where(and(eq(autoTopUps.orgId, orgId), eq(autoTopUps.crossingKey, crossingKey)));
    if (existing) return { row: existing, pack: null, fresh: false };
    if (!settings?.enabled) return null;
    const [pack] = await tx.select().from(creditProducts).where(eq(creditProducts.id, settings.creditProductId));
    if (!pack) return null;
    const used = await topUpsThisMonth(tx, orgId, now);
    const overLimit = used >= settings.maxPerMonth;
    const [row] = await tx
      .insert(autoTopUps)
      .values({
        id: newId("atu"),
        orgId,
        crossingKey,
        creditProductId: pack.id,
        credits: pack.credits,
        amountCents: pack.priceCents,
        currency: pack.currency,
        thresholdCredits: Number(payload.threshold ?? settings.thresholdCredits),
        balanceAtCrossing: Number(payload.balance ?? 0),
        status: overLimit ? "skipped" : "pending",
        message: overLimit
          ? `Monthly limit reached: ${settings.maxPerMonth} automatic top-up${settings.maxPerMonth === 1 ? "" : "s"} this month.`
          : null,
        provider: activeProvider(),
        createdAt: now,
        completedAt: overLimit ? now : null,
      })
      .returning();
    if (overLimit)
      await alert(tx, row!, `Automatic top-up skipped: ${row!.message} Buy a credit pack to keep going.`, now);
    return { row: row!, pack, fresh: true };
  });
  if (!claimed) return { outcome: "off" };
  const { row } = claimed;
  // A retried job finds its row: only a pending one (the charge's answer was lost) is charged again.
  if (row.status !== "pending") return { outcome: claimed.fresh ? row.status : "replayed", topUpId: row.id };
  const pack =
    claimed.pack ?? (await db.select().from(creditProducts).where(eq(creditProducts.id, row.creditProductId)))[0]!;
  const provider = row.provider ?? activeProvider();
  const status =
    provider === "local"
      ? await chargeSandbox(row, pack, now)
      : provider === "stripe"
        ? await chargeStripe(row, pack, now)
        : await issueTopUpInvoice(row, pack, now);
  return { outcome: status, topUpId: row.id };
}

async function finish(
  tx: Executor,
  row: AutoTopUp,
  patch: {
    status: AutoTopUp["status"];
    message?: string | null;
    providerPaymentId?: string | null;
    invoiceId?: string;
  },
  now: Date,
): Promise<AutoTopUp["status"]> {
  const [finished] = await tx
    .update(autoTopUps)
    .set({ ...patch, completedAt: patch.status === "invoiced" ? null : now })
    .where(and(eq(autoTopUps.id, row.id), eq(autoTopUps.status, "pending")))
    .returning();
  if (finished) await emitAutoTopUpFinished(tx, finished, patch.status, now);
  if (patch.status === "failed")
    await alert(tx, row, `Automatic top-up failed: ${patch.message ?? "the payment did not go through"}`, now);
  if (patch.status === "requires_action")
    await alert(
      tx,
      row,
      `Automatic top-up needs you: ${patch.message ?? "your bank asks you to confirm the payment"} Buy the pack on the credits page to finish it.`,
      now,
    );
  return patch.status;
}

async function alert(tx: Executor, row: AutoTopUp, message: string, now: Date) {
  await raiseAlertOnce(
    {
      orgId: row.orgId,
      kind: "auto_top_up",
      key: row.id,
      threshold: row.thresholdCredits,
      periodKey: now.toISOString().slice(0, 7),
      severity: "critical",
      message,
      details: { auto_top_up: row.id, credits: row.credits, balance: row.balanceAtCrossing },
      at: now,
    },
    tx,
  );
}

const describe = (pack: CreditProduct) =>
  `Automatic top-up: ${pack.name} (${formatCredits(pack.credits)} credits, ${formatMoney(pack.priceCents, pack.currency)})`;

async function chargeSandbox(row: AutoTopUp, pack: CreditProduct, now: Date): Promise<AutoTopUp["status"]> {
  return db.transaction(async (tx) => {
    const pm = await defaultPaymentMethod(tx, row.orgId);
    if (!pm || pm.provider !== "local") return finish(tx, row, { status: "failed", message: "No card on file." }, now);
    if (pm.declines) {
      const paymentId = `py_local_${newId("pay").slice(4)}`;
      await recordPayment(tx, {
        orgId: row.orgId,
        provider: "local",
        providerPaymentId: paymentId,
        kind: "credits",
        status: "failed",
        amountCents: pack.priceCents,
        currency: pack.currency,
        description: describe(pack),
        paymentMethodLabel: formatCard(pm.brand, pm.last4),
        failureMessage: "Your card was declined.",
        creditProductId: pack.id,
        livemode: false,
        createdAt: now,
      });
      return finish(
        tx,
        row,
        { status: "failed", message: "Your card was declined.", providerPaymentId: paymentId },
        now,
      );
    }
    const { invoice } = await issueInvoice(tx, {
      orgId: row.orgId,
      currency: pack.currency,
      lines: [
        {
          kind: "credits",
          description: `${pack.name} (${formatCredits(pack.credits)}), automatic top-up`,
          quantity: "1",
          unitAmount: dec(pack.priceCents).div(100).toFixed(2),
          amountCents: pack.priceCents,
        },
      ],
      sourceKey: `auto_top_up:${row.id}`,
      issuedAt: now,
      paid: false,
      description: "Automatic top-up",
      livemode: false,
    });
    const charge = await chargeInvoice(tx, invoice, now);
    if (!charge.ok || !charge.payment)
      return finish(tx, row, { status: "failed", message: charge.message ?? "The payment failed." }, now);
    await onCreditPackPaid(tx, {
      orgId: row.orgId,
      creditProductId: pack.id,
      paymentId: charge.payment.providerPaymentId,
      at: now,
      livemode: false,
    });
    return finish(
      tx,
      row,
      { status: "succeeded", providerPaymentId: charge.payment.providerPaymentId, invoiceId: invoice.id },
      now,
    );
  });
}

async function chargeStripe(row: AutoTopUp, pack: CreditProduct, now: Date): Promise<AutoTopUp["status"]> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, row.orgId));
  const pm = await defaultPaymentMethod(db, row.orgId);
  if (!org?.stripeCustomerId || !pm || pm.provider !== "stripe")
    return finish(db, row, { status: "failed", message: "No card on file." }, now);
  // Network: outside any transaction. A lost answer throws, and the outbox retries with the same key.
  const r = await chargeOffSession({
    customerId: org.stripeCustomerId,
    paymentMethodId: pm.providerMethodId,
    amountCents: pack.priceCents,
    currency: pack.currency,
    description: describe(pack),
    metadata: { tally_org_id: row.orgId, tally_credit_product_id: pack.id, tally_auto_top_up_id: row.id },
    idempotencyKey: `tally-auto-top-up-${row.id}`,
  });
  if (r.status !== "succeeded") {
    return db.transaction(async (tx) => {
      if (r.paymentIntentId)
        await recordPayment(tx, {
          orgId: row.orgId,
          provider: "stripe",
          providerPaymentId: r.paymentIntentId,
          kind: "credits",
          status: r.status === "failed" ? "failed" : "pending",
          amountCents: pack.priceCents,
          currency: pack.currency,
          description: describe(pack),
          creditProductId: pack.id,
          failureMessage: r.status === "failed" ? r.message : null,
          createdAt: now,
        });
      return finish(tx, row, { status: r.status, message: r.message, providerPaymentId: r.paymentIntentId }, now);
    });
  }
  const problem = packPaymentProblem(pack.id, pack, { amountCents: r.amountReceived, currency: r.currency });
  return db.transaction(async (tx) => {
    if (problem) return finish(tx, row, { status: "failed", message: problem.message }, now);
    await recordPayment(tx, {
      orgId: row.orgId,
      provider: "stripe",
      providerPaymentId: r.paymentIntentId,
      kind: "credits",
      status: "succeeded",
      amountCents: r.amountReceived,
      currency: r.currency,
      description: describe(pack),
      creditProductId: pack.id,
      paymentMethodLabel: formatCard(pm.brand, pm.last4),
      livemode: r.livemode,
      createdAt: now,
    });
    await onCreditPackPaid(tx, {
      orgId: row.orgId,
      creditProductId: pack.id,
      paymentId: r.paymentIntentId,
      at: now,
      livemode: r.livemode,
    });
    return finish(tx, row, { status: "succeeded", providerPaymentId: r.paymentIntentId }, now);
  });
}

/** Invoice billing: the pack is invoiced as an invoice-billing checkout is; paying it grants the credits. */
async function issueTopUpInvoice(row: AutoTopUp, pack: CreditProduct, now: Date): Promise<AutoTopUp["status"]> {
  // One checkout per top-up, by a deterministic id: a retried job finds the one it made.
  const id = `cs_${row.id.slice(4)}`;
  const [made] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id));
  const session =
    made ??
    (await invoiceCheckout(row.orgId, { id, base: appUrl(), actor: `auto_top_up:${row.id}`, product: pack }, now));
  return finish(
    db,
    row,
    {
      status: "invoiced",
      message: "Invoiced: the credits arrive when the invoice is paid.",
      invoiceId: session.invoiceId ?? undefined,
    },
    now,
  );
}

registerOutboxHandler(AUTO_TOP_UP_JOB, async (job: Job) => {
  if (!job.orgId) return { outcome: "off" };
  return runAutoTopUp(job.orgId, job.payload as Payload);
});
