import { formatMoney } from "@/lib/format";
import type { Metadata } from "next";
import Link from "next/link";
import { shortCharge } from "@/components/catalog/charge-summary";
import { SyncButton } from "@/components/catalog/sync-button";
import { PlanStatusBadge } from "@/components/catalog/plan-status-badge";
import { StripeStatusBadge } from "@/components/catalog/stripe-status-badge";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listPlans } from "@/lib/catalog/plans";
import { planStripeStatus } from "@/lib/catalog/plan-stripe-status";
import { paymentRail } from "@/lib/payments/provider";
import { stripeConfigured } from "@/lib/stripe/client";
import { syncPlansAction } from "../actions";

export const metadata: Metadata = { title: "Plans" };

export default async function PlansPage() {
  await requireAdmin();
  const plans = await listPlans({ includeInactive: true });
  const onStripe = paymentRail() === "stripe";
  return (
    <>
      <PageHeader
        title="Plans"
        description="The plans customers subscribe to, each as its newest version. A new plan is a draft until you put it on sale; customers see plans on sale that are self-serve."
        actions={
          <>
            <SyncButton action={syncPlansAction} configured={stripeConfigured()} />
            {stripeConfigured() && (
              <Link href="/admin/stripe/adopt" className={buttonClass("secondary")}>
                Adopt from Stripe
              </Link>
            )}
            <Link href="/admin/plans/new" className={buttonClass()}>
              New plan
            </Link>
          </>
        }
      />
      <Card>
        {plans.length === 0 ? (
          <EmptyState
            title="No plans yet"
            action={
              <Link href="/admin/plans/new" className={buttonClass()}>
                Create the first plan
              </Link>
            }
          >
            Create a plan here, import FlexPrice plan JSON over the API, or sync from Stripe.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Plan</Th>
                <Th>Billed</Th>
                <Th align="right">Base price</Th>
                <Th>Charges</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {plans.map((p) => (
                <tr key={p.id} className="align-top hover:bg-zinc-50">
                  <Td>
                    <Link href={`/admin/plans/${p.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                      {p.name}
                    </Link>
                    <div className="font-mono text-xs text-zinc-500">
                      {p.code} · v{p.version} · {p.source}
                    </div>
                  </Td>
                  <Td>{p.interval === "month" ? "Monthly" : "Yearly"}</Td>
                  <Td align="right">{formatMoney(p.basePriceCents, p.currency)}</Td>
                  <Td wrap className="text-xs text-zinc-600">
                    {p.charges.length ? p.charges.map((c, i) => <div key={i}>{shortCharge(c, p.currency)}</div>) : "—"}
                  </Td>
                  <Td>
                    <div className="flex flex-col items-start gap-1">
                      <PlanStatusBadge plan={p} />
                      {onStripe && <StripeStatusBadge status={planStripeStatus(p)} />}
                    </div>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
