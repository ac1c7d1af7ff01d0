import type { Metadata } from "next";
import { InvoicesTable, PaymentMethodsList, PaymentsTable } from "@/components/billing/billing-tables";
import { PlanPicker } from "@/components/billing/plan-picker";
import { PlanSummary } from "@/components/billing/plan-summary";
import { RedirectButton } from "@/components/billing/redirect-button";
import { CardForm } from "@/components/billing/card-form";
import { UpcomingInvoice } from "@/components/billing/upcoming-invoice";
import { QueryProvider } from "@/components/providers/query-provider";
import { ActionButton } from "@/components/ui/action-button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FocusedNotice } from "@/components/ui/focused-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { formatDate, formatTime } from "@/lib/format";
import { billingPage } from "@/lib/payments/billing-page";
import { checkoutReturn, type CheckoutReturn } from "@/lib/payments/checkout";
import { stripePublishableKey } from "@/lib/payments/provider";
import { customerDiscount } from "@/lib/coupons/customer-discount";
import { getBillingDetails } from "@/lib/invoices/billing-details";
import { BillingDetailsForm } from "@/components/billing/billing-details-form";
import { CreditNotesTable } from "@/components/billing/credit-notes-table";
import { creditNoteJson, listCreditNotes } from "@/lib/invoices/credit-note-queries";
import {
  changePlanAction,
  checkoutAction,
  finishCardSetupAction,
  portalAction,
  previewChangeAction,
  saveBillingDetailsAction,
  setAddonAction,
  setCancelAction,
  startCardSetupAction,
} from "../actions";
import { AddonsCard } from "@/components/billing/addons-card";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{
    checkout?: string;
    plan?: string;
    session?: string;
    card?: string;
    redirect_status?: string;
  }>;
}) {
  const user = await requireCustomer();
  const { checkout, plan: chosenCode, session, card, redirect_status: cardStatus } = await searchParams;
  const [b, discount, details, notes, returned] = await Promise.all([
    billingPage(user.orgId),
    customerDiscount(user.orgId),
    getBillingDetails(user.orgId),
    listCreditNotes(user.orgId, 24),
    // Back from Embedded Checkout: how it went, as Stripe has the session now (null: it could not be read).
    checkout === "return" && session
      ? checkoutReturn(user.orgId, session).catch((): CheckoutReturn | null => null)
      : Promise.resolve(null),
  ]);
  // Cards are added in the page with Stripe.js only when Stripe and its publishable key are set.
  const inPageCards = b.provider === "stripe" && stripePublishableKey() !== null;
  const owner = user.role === "owner";
  const s = "subscription" in b.summary ? b.summary.subscription : null;
  const plan = b.summary.plan;
  const pendingPlan = "pendingPlan" in b.summary ? b.summary.pendingPlan : null;
  return (
    <>
      <PageHeader
        title="Billing"
        description={
          b.provider === "local"
            ? "Test mode: payments run in the payment sandbox and no real money moves."
            : b.provider === "manual"
              ? "You are billed by invoice: your plan or credits start once an invoice's payment is received."
              : "Payments are processed by Stripe."
        }
        actions={
          owner && b.provider !== "manual" ? (
            <RedirectButton
              action={portalAction}
              label={b.provider === "local" ? "Payment methods (sandbox portal)" : "Manage payment methods"}
            />
          ) : undefined
        }
      />
      <div className="space-y-6">
        {b.outage && (
          <div
            role="status"
            className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          >
            Stripe did not answer at {formatTime(b.outage)}. What you see here is what Tally knows; changes that need
            Stripe may fail until it is back.
          </div>
        )}
        {checkout === "success" && (
          <FocusedNotice className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
            {b.provider === "manual" ? "Your plan has started." : "Payment received."}{" "}
            {b.provider === "stripe"
              ? "Your plan updates as soon as Stripe confirms it (usually a few seconds)."
              : b.provider === "local"
                ? "This was a test payment: no real money moved."
                : "Thank you!"}
          </FocusedNotice>
        )}
        {checkout === "return" && (
          <FocusedNotice
            className={
              returned?.status === "complete"
                ? "rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200"
                : "rounded-lg bg-zinc-100 px-4 py-3 text-sm text-zinc-700"
            }
          >
            {returned?.status === "complete"
              ? `Payment received. ${returned.kind === "credits" ? "Your credits appear on the Credits page" : "Your plan updates"} as soon as Stripe confirms it (usually a few seconds).`
              : returned?.status === "expired"
                ? "This checkout expired before it was paid: nothing was charged. Choose again to start a new one."
                : returned
                  ? "Checkout was not completed: nothing was charged. Choose again to pay."
                  : "We could not look up this checkout just now. If you paid, it shows here within a minute; nothing is charged twice."}
          </FocusedNotice>
        )}
        {card === "return" && (
          <FocusedNotice className="rounded-lg bg-zinc-100 px-4 py-3 text-sm text-zinc-700">
            {cardStatus === "succeeded"
              ? "Your bank confirmed the card: it shows under Payment methods within a few seconds, as your default."
              : "The card was not confirmed, so nothing changed. Add it again, or use another card."}
          </FocusedNotice>
        )}
        {checkout === "canceled" && (
          <FocusedNotice className="rounded-lg bg-zinc-100 px-4 py-3 text-sm text-zinc-700">
            Checkout canceled: nothing was charged.
          </FocusedNotice>
        )}
        {b.summary.access.message && (
          <div
            role="alert"
            className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          >
            <span>
              {b.summary.access.message}
              {b.summary.access.graceEndsAt && b.summary.access.level === "grace" && (
                <> Features stay on until {formatDate(b.summary.access.graceEndsAt)}.</>
              )}
            </span>
            {owner && b.provider !== "manual" && (
              <RedirectButton action={portalAction} label="Update payment method" variant="primary" />
            )}
          </div>
        )}

        <Card>
          <CardHeader
            title="Subscription"
            action={
              owner && s && plan ? (
                // One button whose label follows the state, so its outcome message stays and takes focus.
                <ActionButton
                  action={setCancelAction}
                  fields={{ cancel: s.cancelAtPeriodEnd ? "false" : "true" }}
                  label={s.cancelAtPeriodEnd ? "Resume subscription" : "Cancel at period end"}
                  variant={s.cancelAtPeriodEnd ? "primary" : "danger"}
                  confirm={
                    s.cancelAtPeriodEnd
                      ? undefined
                      : {
                          title: "Cancel your subscription?",
                          body: (
                            <>
                              <p>
                                {plan.name} stays active until <strong>{formatDate(s.currentPeriodEnd)}</strong>, then
                                the subscription ends and nothing more is charged.
                              </p>
                              {pendingPlan && (
                                <p>
                                  The scheduled switch to <strong>{pendingPlan.name}</strong> will not happen. If you
                                  resume before then, it is kept.
                                </p>
                              )}
                              <p>You can resume any time before the period ends.</p>
                            </>
                          ),
                          confirmLabel: "Cancel at period end",
                          keepLabel: "Keep my subscription",
                        }
                  }
                />
              ) : undefined
            }
          />
          <CardBody>
            <PlanSummary
              current={
                s && b.ownPlan
                  ? {
                      plan: b.ownPlan,
                      subscription: s,
                      discount,
                      features: b.planFeatures,
                      custom: b.custom,
                      customPrices: b.customPrices,
                    }
                  : null
              }
            />
            {pendingPlan && s && (
              <p className="mt-3 text-sm text-zinc-600" data-testid="pending-change">
                {s.cancelAtPeriodEnd ? (
                  <>
                    The scheduled switch to <strong>{pendingPlan.name}</strong> will not happen: the subscription ends
                    on {formatDate(s.currentPeriodEnd)}. Resume to keep it.
                  </>
                ) : (
                  <>
                    Changes to <strong>{pendingPlan.name}</strong> on {formatDate(s.currentPeriodEnd)}.
                  </>
                )}
              </p>
            )}
          </CardBody>
        </Card>

        <AddonsCard addons={b.addons} owner={owner} action={setAddonAction} />

        {b.upcoming && (
          <Card>
            <CardHeader
              title="Upcoming invoice"
              description="Usage, overage, add-ons and agent call costs so far this period, as they will appear on the invoice. Refreshes as usage arrives."
            />
            <CardBody>
              <QueryProvider>
                <UpcomingInvoice initial={b.upcoming} />
              </QueryProvider>
            </CardBody>
          </Card>
        )}

        <Card>
          <CardHeader
            title={s ? "Change plan" : "Choose a plan"}
            description="Upgrades apply now and are prorated; downgrades apply when the current period ends."
          />
          <CardBody>
            <PlanPicker
              tiers={b.tiers}
              currentPlanId={plan?.id ?? null}
              currentInterval={plan?.interval ?? null}
              canManage={owner}
              checkoutAction={checkoutAction}
              previewAction={previewChangeAction}
              changeAction={changePlanAction}
              chosenCode={chosenCode ?? null}
            />
          </CardBody>
        </Card>

        {/* Side by side only where the invoice table fits whole (its links are the last column). */}
        <div className="grid grid-cols-1 gap-6 2xl:grid-cols-3">
          <Card className="2xl:col-span-2">
            <CardHeader title="Invoices" />
            <InvoicesTable
              rows={b.invoices.map((i) => ({
                ...i,
                pdfUrl: i.provider === "local" ? `/api/v1/billing/invoices/${i.id}/pdf` : i.pdfUrl,
                hostedUrl: i.provider === "local" ? `/billing/invoices/${i.id}` : i.hostedUrl,
              }))}
            />
          </Card>
          {notes.length > 0 && (
            <Card className="2xl:col-span-2">
              <CardHeader title="Credit notes" description="What was given back on your invoices, and where it went." />
              <CreditNotesTable rows={notes.map(creditNoteJson)} />
            </Card>
          )}
          <Card>
            <CardHeader title="Payment methods" />
            <CardBody>
              {b.provider === "manual" ? (
                <p className="text-sm text-zinc-500">
                  Invoices are paid by bank transfer or as agreed; there is no card on file.
                </p>
              ) : (
                <>
                  <PaymentMethodsList rows={b.methods} />
                  {owner && inPageCards && (
                    <CardForm
                      hasCard={b.methods.length > 0}
                      startAction={startCardSetupAction}
                      finishAction={finishCardSetupAction}
                    />
                  )}
                </>
              )}
            </CardBody>
          </Card>
        </div>

        <Card id="billing-details">
          <CardHeader
            title="Billing details"
            description="The name, address and tax ids your invoices are made out to. Invoices already issued keep the details they were issued with."
          />
          <CardBody>
            <BillingDetailsForm action={saveBillingDetailsAction} current={details} readOnly={!owner} />
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Billing history"
            description="Payments and credit purchases, including failed and refunded ones."
          />
          <PaymentsTable rows={b.payments} />
        </Card>
      </div>
    </>
  );
}
