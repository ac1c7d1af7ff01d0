import type { Metadata } from "next";
import Link from "next/link";
import { StripeAdoption } from "@/components/billing/stripe-adoption";
import { SyncButton } from "@/components/catalog/sync-button";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { adoptionTargets, adoptStripeAccount } from "@/lib/payments/adopt-stripe";
import type { AdoptReportJson } from "@/lib/payments/adopt-stripe-schemas";
import { stripeConfigured } from "@/lib/stripe/client";
import { syncPlansAction } from "../../plans/actions";
import { adoptFromStripeAction } from "./actions";

export const metadata: Metadata = { title: "Adopt from Stripe" };

const DESCRIPTION =
  "Customers already paying you in Stripe become Tally customers: linked by Stripe customer id, their subscription kept as Stripe has it (same plan, period and status; nothing is charged or created at Stripe), and their past invoices listed with Stripe's numbers. Adopting again changes nothing.";

export default async function AdoptFromStripePage() {
  const admin = await requireAdmin();
  const header = <PageHeader title="Adopt from Stripe" description={DESCRIPTION} />;
  if (!stripeConfigured())
    return (
      <>
        {header}
        <Card>
          <EmptyState title="Stripe is not configured">
            Set STRIPE_SECRET_KEY (with PAYMENTS=stripe) and restart Tally; this page then lists the Stripe
            account&apos;s customers to adopt.
          </EmptyState>
        </Card>
      </>
    );
  let report: AdoptReportJson;
  try {
    report = await adoptStripeAccount({ dry_run: true }, `user:${admin.id}`);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return (
      <>
        {header}
        <Card>
          <EmptyState
            title="Stripe could not be read"
            action={
              <Link href="/admin/stripe/adopt" className={buttonClass("secondary")}>
                Try again
              </Link>
            }
          >
            {e.message} Nothing was changed.
          </EmptyState>
        </Card>
      </>
    );
  }
  const targets = await adoptionTargets();
  const t = report.totals;
  const blocked = report.customers.some((c) => c.status === "blocked");
  return (
    <>
      {header}
      <Card>
        <CardHeader
          title={`${t.customers} Stripe customer${t.customers === 1 ? "" : "s"}`}
          description={`${t.ready} ready, ${t.unmatched} unmatched, ${t.conflict} in conflict, ${t.blocked} blocked, ${t.unchanged} linked already. Choose a Tally customer (or a new one) for the unmatched; conflicts and blocked ones are left as they are.`}
          action={
            blocked ? (
              <div className="shrink-0">
                <SyncButton action={syncPlansAction} configured />
              </div>
            ) : undefined
          }
        />
        {blocked && (
          <p className="border-b border-zinc-100 bg-amber-50 px-5 py-3 text-sm text-amber-900">
            Some subscriptions are on Stripe prices that are no Tally plan yet: sync plans from Stripe, then adopt them.
          </p>
        )}
        {report.customers.length === 0 ? (
          <EmptyState title="No customers in the Stripe account">
            There is nothing to adopt. Customers you create in Stripe appear here.
          </EmptyState>
        ) : (
          <StripeAdoption customers={report.customers} targets={targets} action={adoptFromStripeAction} />
        )}
      </Card>
    </>
  );
}
