import type { Metadata } from "next";
import { ActionButton } from "@/components/ui/action-button";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentsTable } from "@/components/agents/agents-table";
import { InvoicesTable } from "@/components/billing/billing-tables";
import { ChargesTable } from "@/components/revenue/charges-table";
import { HistoryTable } from "@/components/revenue/history-table";
import { PlanSummary } from "@/components/billing/plan-summary";
import { QuickForm } from "@/components/catalog/quick-form";
import { TestBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { MembersTable } from "@/components/orgs/members-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Detail, Details } from "@/components/ui/details";
import { PageHeader } from "@/components/ui/page-header";
import { agentsOverview } from "@/lib/agents/agent-page";
import { requireAdmin } from "@/lib/auth/session";
import { listMembers } from "@/lib/auth/users";
import { formatDate, formatMoney } from "@/lib/format";
import { customerRevenue } from "@/lib/revenue/customer-detail";
import { mrrMinor } from "@/lib/revenue/mrr";
import { findOrganization } from "@/lib/orgs/organizations";
import { currentSubscription } from "@/lib/subscriptions/queries";
import { OFFLINE_METHOD_LABELS } from "@/lib/payments/offline-payment";
import { randomUUID } from "node:crypto";
import { AdminCancelButtons, AdminChangePlan } from "@/components/billing/admin-subscription-actions";
import { GrantCreditsForm } from "@/components/credits/admin-credit-forms";
import { listPlans } from "@/lib/catalog/plans";
import { getCreditBalance } from "@/lib/credits/balance";
import { formatInteger } from "@/lib/format";
import { customerSince } from "@/lib/orgs/customer-since";
import { EndpointCreateForm } from "@/components/outbound-webhooks/endpoint-create-form";
import { EndpointsTable } from "@/components/outbound-webhooks/endpoints-table";
import { createEndpointForCustomer } from "@/app/admin/webhook-endpoints/actions";
import { lastDeliveries, listEndpoints } from "@/lib/outbound-webhooks/endpoints";
import { customerDiscount } from "@/lib/coupons/customer-discount";
import { listCoupons } from "@/lib/coupons/coupons";
import { couponTermsLabel } from "@/lib/coupons/describe";
import {
  applyCouponAction,
  changeCustomerPlanAction,
  removeDiscountAction,
  markInvoicePaidAction,
  issueCreditNoteAction,
  voidInvoiceAction,
  voidCreditNoteAction,
  previewCustomerPlanChangeAction,
  saveCustomerBillingDetailsAction,
  setCustomerCancelAction,
} from "./actions";
import { BillingDetailsForm } from "@/components/billing/billing-details-form";
import { whyNotVoidable } from "@/lib/invoices/void-credit-note";
import { CreditNotesTable } from "@/components/billing/credit-notes-table";
import { creditableInvoices, creditNoteJson, listCreditNotes } from "@/lib/invoices/credit-note-queries";
import { getBillingDetails } from "@/lib/invoices/billing-details";
import { grantCreditsAction } from "./credits/actions";
import { createOverrideAction, revokeOverrideAction } from "./override-actions";
import { OverridesCard } from "@/components/overrides/overrides-card";
import { customerOverridesView } from "@/lib/overrides/admin-view";
import { customKeys } from "@/lib/overrides/resolve";
import { AdminAddonsCard } from "@/components/billing/admin-addons-card";
import { customerAddons } from "@/lib/addons/subscription-addons";
import { attachAddonAction, detachAddonAction } from "./addon-actions";

export const metadata: Metadata = { title: "Customer" };

/** An open invoice as a form's choice: its number and what is due. */
const dueOption = (i: { id: string; number: string; amountDueCents: number; currency: string }) => ({
  value: i.id,
  label: `${i.number} — ${formatMoney(i.amountDueCents, i.currency)} due`,
});

export default async function AdminCustomerPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const org = await findOrganization({ id });
  if (!org) notFound();
  const [
    current,
    members,
    agents,
    revenue,
    since,
    credits,
    catalog,
    endpoints,
    discount,
    coupons,
    billingDetails,
    creditable,
    notes,
  ] = await Promise.all([
    currentSubscription(org.id),
    listMembers(org.id),
    agentsOverview(org.id),
    customerRevenue(org.id),
    customerSince(org),
    getCreditBalance(org.id),
    listPlans(),
    listEndpoints(org.id),
    customerDiscount(org.id),
    listCoupons(),
    getBillingDetails(org.id),
    creditableInvoices(org.id),
    listCreditNotes(org.id, 24),
  ]);
  const [lastHooks, overrides, heldAddons] = await Promise.all([
    lastDeliveries(endpoints.map((e) => e.id)),
    customerOverridesView(org.id, current?.plan ?? null),
    customerAddons(org.id),
  ]);
  const terms = overrides.terms;
  const live = current && ["trialing", "active", "past_due", "incomplete"].includes(current.subscription.status);
  // The plans a customer's own change may move to (lib/payments/self-serve.ts), in its currency.
  const otherPlans = live
    ? catalog
        .filter((p) => p.selfServe && p.id !== current.plan.id && p.currency === current.plan.currency)
        .map((p) => ({
          id: p.id,
          label: `${p.name} (${p.interval === "year" ? "yearly" : "monthly"}) · ${formatMoney(p.basePriceCents, p.currency)}`,
        }))
    : [];
  const awaiting = revenue.invoices.filter((i) => i.status === "open" && i.provider === "local" && i.livemode);
  const voidable = revenue.invoices.filter((i) => i.status === "open");
  const voidableNotes = notes.filter((n) => whyNotVoidable(n.note) === null);
  const mrrNow = current
    ? {
        cents: current.subscription.livemode
          ? mrrMinor({ ...current.subscription, basePriceCents: current.plan.basePriceCents })
          : 0,
        currency: current.plan.currency,
        test: !current.subscription.livemode,
      }
    : null;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin" className="text-brand-600 hover:text-brand-700">
          ← Customers
        </Link>
      </p>
      <PageHeader
        title={org.name}
        description={`${org.externalId ? `external id ${org.externalId} · ` : ""}customer since ${formatDate(since)}`}
        actions={
          <div className="flex flex-wrap gap-2">
            <Link href={`/admin/customers/${org.id}/usage`} className={buttonClass("secondary")}>
              Usage and events
            </Link>
            <Link href={`/admin/customers/${org.id}/credits`} className={buttonClass("secondary")}>
              Credits and ledger
            </Link>
          </div>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader
            title="Subscription"
            action={
              current ? (
                <AdminCancelButtons
                  orgId={org.id}
                  planName={current.plan.name}
                  periodEnd={current.subscription.currentPeriodEnd.toISOString()}
                  cancelAtPeriodEnd={current.subscription.cancelAtPeriodEnd}
                  ended={!live}
                  action={setCustomerCancelAction}
                />
              ) : undefined
            }
          />
          <CardBody>
            {/* The plan as this customer has it: an operator's overrides in force are applied and marked "custom". */}
            <PlanSummary
              current={
                current
                  ? {
                      ...current,
                      plan: terms
                        ? { ...current.plan, includedCredits: terms.includedCredits, limits: terms.limits }
                        : current.plan,
                      custom: terms ? [...customKeys(terms)] : [],
                      discount,
                    }
                  : null
              }
            />
            {live && (
              <div className="mt-5 border-t border-zinc-100 pt-4">
                <h3 className="mb-2 text-sm font-medium text-zinc-900">Change plan</h3>
                <p className="mb-3 text-sm text-zinc-500">
                  As the customer&apos;s own change: upgrades apply now and are prorated; downgrades apply when the
                  period ends.
                </p>
                <AdminChangePlan
                  orgId={org.id}
                  plans={otherPlans}
                  previewAction={previewCustomerPlanChangeAction}
                  changeAction={changeCustomerPlanAction}
                />
              </div>
            )}
            {live && (
              <div className="mt-5 border-t border-zinc-100 pt-4">
                {/* Stays mounted once the discount is gone, so the outcome of removing it stays on screen. */}
                <div className={discount ? "mb-4 flex flex-wrap items-center justify-between gap-2" : "mb-2"}>
                  {discount && (
                    <p className="text-sm text-zinc-700">
                      Discount: <span className="font-mono">{discount.couponCode}</span>, {discount.terms}
                    </p>
                  )}
                  <ActionButton
                    action={removeDiscountAction}
                    fields={{ org_id: org.id, subscription_id: current.subscription.id }}
                    label="Remove discount"
                    pendingLabel="Removing…"
                    size="sm"
                    finished={!discount}
                    confirm={{
                      title: `Remove coupon ${discount?.couponCode ?? ""}?`,
                      body: "Invoices issued from now on are full price. To give a discount again, apply a coupon.",
                      confirmLabel: "Remove discount",
                      keepLabel: "Keep it",
                    }}
                  />
                </div>
                <h3 className="text-sm font-medium text-zinc-900">Apply a coupon</h3>
                {coupons.length === 0 ? (
                  <p className="mt-1 text-sm text-zinc-500">
                    No coupons yet: create one on the{" "}
                    <Link href="/admin/coupons" className="underline">
                      Coupons
                    </Link>{" "}
                    page.
                  </p>
                ) : (
                  <>
                    <p className="mt-1 text-sm text-zinc-500">
                      Replaces the current discount; it reduces invoices from the next one not yet issued.
                    </p>
                    <div className="-mx-5">
                      <QuickForm
                        action={applyCouponAction}
                        submitLabel="Apply coupon"
                        hidden={{ org_id: org.id }}
                        fields={[
                          {
                            name: "coupon_id",
                            label: "Coupon",
                            options: coupons.map((c) => ({ value: c.id, label: `${c.code} — ${couponTermsLabel(c)}` })),
                          },
                        ]}
                      />
                    </div>
                  </>
                )}
              </div>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <Details>
              <Detail label="Customer id" kind="id">
                {org.id}
              </Detail>
              <Detail label="Billing email">{org.email ?? "—"}</Detail>
              <Detail label="MRR now" kind="figure" testId="customer-mrr">
                {mrrNow ? formatMoney(mrrNow.cents, mrrNow.currency) : "—"}
                {mrrNow?.test && <TestBadge />}
              </Detail>
              <Detail label="Credit balance" kind="figure" testId="customer-credit-balance">
                {credits ? formatInteger(credits.balance) : "—"}
              </Detail>
              <Detail label="Collected, net of refunds" kind="figure">
                {revenue.collected.length
                  ? revenue.collected.map((c) => formatMoney(c.netCents, c.currency)).join(" + ")
                  : "nothing yet"}
              </Detail>
              <Detail label="Payment provider id" kind="id">
                {org.stripeCustomerId ?? <span className="text-amber-700">not created yet</span>}
              </Detail>
            </Details>
          </CardBody>
        </Card>
        <Card className="lg:col-span-3" id="overrides">
          <CardHeader
            title="Overrides"
            description="This customer's own price, feature value or limit, included credits or trial, without a new plan. Each is kept with who gave it and why; a price applies to the whole period it is in force at the end of."
          />
          <OverridesCard
            orgId={org.id}
            view={overrides}
            createAction={createOverrideAction}
            revokeAction={revokeOverrideAction}
          />
        </Card>
        <Card className="lg:col-span-3" id="addons">
          <CardHeader
            title="Add-ons"
            description="Attach an add-on for this customer, change how many it holds, or detach it. Changes mid-period are prorated as the customer's own are (on Stripe, as subscription items); the reason is kept in the subscription history."
          />
          <AdminAddonsCard
            orgId={org.id}
            addons={heldAddons}
            attachAction={attachAddonAction}
            detachAction={detachAddonAction}
          />
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader
            title="Grant credits"
            description="A new bucket, recorded with your name and the reason. Adjustments and the ledger are on the credits page."
          />
          <CardBody className="max-w-2xl">
            <GrantCreditsForm action={grantCreditsAction} orgId={org.id} idempotencyKey={randomUUID()} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader
            title="Subscription history"
            description="Every change, newest first, with the MRR after it (docs/metrics.md)."
          />
          <HistoryTable rows={revenue.history} />
        </Card>
        {awaiting.length > 0 && (
          <Card className="lg:col-span-3">
            <CardHeader
              title="Invoices awaiting payment"
              description="Paid outside Tally (invoice billing)? Record how: the invoice is marked paid and its credits or plan start, once."
            />
            <QuickForm
              action={markInvoicePaidAction}
              submitLabel="Mark paid"
              fields={[
                {
                  name: "invoice_id",
                  label: "Invoice",
                  options: awaiting.map(dueOption),
                },
                {
                  name: "method",
                  label: "Paid by",
                  options: Object.entries(OFFLINE_METHOD_LABELS).map(([value, label]) => ({ value, label })),
                },
                {
                  name: "reference",
                  label: "Reference",
                  placeholder: "transfer reference, check number",
                  required: true,
                },
              ]}
            />
          </Card>
        )}
        <Card className="lg:col-span-3">
          <CardHeader title="Invoices" />
          <InvoicesTable
            rows={revenue.invoices.map((i) => ({
              ...i,
              pdfUrl: i.provider === "local" ? `/api/v1/billing/invoices/${i.id}/pdf` : i.pdfUrl,
              hostedUrl: i.provider === "local" ? null : i.hostedUrl,
            }))}
          />
        </Card>
        {/* Kept once the last open invoice is voided: the form's answer stays on screen. */}
        {revenue.invoices.length > 0 && (
          <Card className="lg:col-span-3">
            <CardHeader
              title="Void an invoice"
              description="An open invoice that should not be collected: it is cancelled, nothing stays due, and no payment can be recorded on it."
            />
            <QuickForm
              action={voidInvoiceAction}
              submitLabel="Void invoice"
              fields={[
                {
                  name: "invoice_id",
                  label: "Invoice",
                  options: voidable.map(dueOption),
                  required: true,
                  hint: voidable.length === 0 ? "No open invoice: nothing to void." : undefined,
                },
                { name: "reason", label: "Reason", placeholder: "issued by mistake", required: true },
              ]}
            />
          </Card>
        )}
        <Card className="lg:col-span-3">
          <CardHeader
            title="Credit notes"
            description="Give back part of a paid invoice: refunded to the card, or kept as a balance the next invoices take."
          />
          <CreditNotesTable rows={notes.map(creditNoteJson)} />
          {voidableNotes.length > 0 && (
            <details className="border-t border-zinc-200">
              <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-brand-600 hover:text-brand-700">
                Void a credit note
              </summary>
              <QuickForm
                action={voidCreditNoteAction}
                submitLabel="Void credit note"
                fields={[
                  {
                    name: "credit_note_id",
                    label: "Credit note",
                    options: voidableNotes.map((n) => ({
                      value: n.note.id,
                      label: `${n.note.number} · ${formatMoney(n.note.amountCents, n.note.currency)} · ${n.invoiceNumber}`,
                    })),
                    required: true,
                    hint: "A balance no invoice has taken yet; a refund cannot be voided.",
                  },
                  { name: "reason", label: "Reason", placeholder: "issued on the wrong invoice", required: true },
                ]}
              />
            </details>
          )}
          {creditable.length > 0 && (
            <details className="border-t border-zinc-200">
              <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-brand-600 hover:text-brand-700">
                Issue credit note
              </summary>
              <QuickForm
                action={issueCreditNoteAction}
                submitLabel="Issue credit note"
                hidden={{ idempotency_key: randomUUID() }}
                fields={[
                  {
                    name: "target",
                    label: "Credit",
                    options: creditable.flatMap(({ invoice: i, lines }) => [
                      ...lines.map((l) => ({
                        value: `${i.id}/${l.id}`,
                        label: `${i.number} · ${l.description} · ${formatMoney(l.amountCents, i.currency)}`,
                      })),
                      { value: i.id, label: `${i.number} · an amount of the invoice` },
                    ]),
                  },
                  {
                    name: "amount",
                    label: "Amount",
                    inputMode: "decimal",
                    placeholder: "12.50",
                    hint: "For a line, empty credits what is left of it.",
                  },
                  {
                    name: "outcome",
                    label: "Money goes",
                    options: [
                      { value: "refund_to_card", label: "Back to the card (refund)" },
                      { value: "customer_credit_balance", label: "To the customer's credit balance" },
                      { value: "next_invoice_balance", label: "Off the next invoice" },
                    ],
                  },
                  { name: "reason", label: "Reason", placeholder: "service outage on 3 March", required: true },
                ]}
              />
            </details>
          )}
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader title="Payments" description="Card charges for subscriptions and credit packs, with refunds." />
          <ChargesTable rows={revenue.charges} showCustomer={false} />
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader
            title="Agents"
            description={
              agents.some((a) => !a.plan)
                ? "Agents without a plan are flagged: their calls cannot be priced."
                : undefined
            }
          />
          <AgentsTable rows={agents} hrefBase="/admin/agents" emptyHint="This customer has not created agents." />
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader
            title="Webhook endpoints"
            description="Where this customer's systems are told of its events. Open one for its delivery log."
          />
          <EndpointsTable
            endpoints={endpoints}
            last={lastHooks}
            base="/admin/webhook-endpoints"
            label="Customer's webhook endpoints"
            empty="This customer has not registered any: add one below, or its owner can on the Webhooks page or over the API."
          />
          <details className="border-t border-zinc-200">
            <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-brand-600 hover:text-brand-700">
              Add an endpoint for this customer
            </summary>
            <EndpointCreateForm
              action={createEndpointForCustomer}
              base="/admin/webhook-endpoints"
              urlHint="An https URL of the customer's; it receives this customer's events only. Its secret is shown once."
              hidden={{ customer_id: org.id }}
            />
          </details>
        </Card>
        <Card className="lg:col-span-3" id="billing-details">
          <CardHeader
            title="Billing details"
            description="The buyer this customer's invoices name. Issued invoices keep the details they were issued with."
          />
          <CardBody>
            <BillingDetailsForm action={saveCustomerBillingDetailsAction} orgId={org.id} current={billingDetails} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
          <CardHeader title="Members" />
          {members.length ? (
            <MembersTable members={members} />
          ) : (
            <CardBody>
              <p className="text-sm text-zinc-500">
                No one has signed in for this customer: it is managed over the API.
              </p>
            </CardBody>
          )}
        </Card>
      </div>
    </>
  );
}
