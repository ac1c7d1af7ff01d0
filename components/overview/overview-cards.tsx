"use client";
// The overview's money and credit figures, from the same React Query hooks (and so the same refresh)
// as the billing and credits pages.
import Link from "next/link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { CreditBalanceJson } from "@/lib/credits/schemas";
import { formatDate, formatInteger } from "@/lib/format";
import { formatMoney } from "@/lib/format";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { useUpcomingInvoice } from "@/lib/queries/billing";
import { useCreditBalance } from "@/lib/queries/credits";

const more = "whitespace-nowrap text-sm font-medium text-brand-600 hover:text-brand-700";

export function UpcomingInvoiceCard({ initial }: { initial: UpcomingInvoiceJson | null }) {
  return (
    <Card>
      <CardHeader
        title="Upcoming invoice"
        action={
          <Link href="/billing" className={more}>
            Billing
          </Link>
        }
      />
      <CardBody>{initial ? <UpcomingFigures initial={initial} /> : <NoInvoice />}</CardBody>
    </Card>
  );
}

function NoInvoice() {
  return (
    <p className="text-sm text-zinc-500">No subscription, so nothing to pay. Choose a plan on the billing page.</p>
  );
}

function UpcomingFigures({ initial }: { initial: UpcomingInvoiceJson }) {
  const { data } = useUpcomingInvoice(initial);
  const u = data ?? initial;
  return (
    <div data-testid="overview-upcoming">
      <p className="text-sm text-zinc-600">
        What you will pay on <strong className="text-zinc-900">{formatDate(u.invoice_date)}</strong>
      </p>
      <p className="tabular mt-1 text-2xl font-semibold text-zinc-900" data-testid="overview-upcoming-total">
        {formatMoney(u.total_so_far_cents, u.currency)}
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        so far · about {formatMoney(u.projected_total_cents, u.currency)} at the current pace
      </p>
    </div>
  );
}

export function CreditsCard({ initial }: { initial: CreditBalanceJson | null }) {
  return (
    <Card>
      <CardHeader
        title="Credits"
        action={
          <Link href="/credits" className={more}>
            Credits
          </Link>
        }
      />
      <CardBody>
        {initial ? <CreditFigures initial={initial} /> : <p className="text-sm text-zinc-500">No credits yet.</p>}
      </CardBody>
    </Card>
  );
}

function CreditFigures({ initial }: { initial: CreditBalanceJson }) {
  const { data } = useCreditBalance(initial);
  const low = data.low_balance.below || data.balance < 0;
  return (
    <div>
      <p className="text-sm text-zinc-600">Available now</p>
      <p
        className={`tabular mt-1 text-2xl font-semibold ${low ? "text-amber-700" : "text-zinc-900"}`}
        data-testid="overview-credit-balance"
      >
        {formatInteger(data.balance)}
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        {data.held > 0 ? `${formatInteger(data.held)} held by work in flight · ` : ""}
        {low
          ? "below your low-balance warning: top up on the credits page"
          : data.low_balance.threshold !== null
            ? `warning below ${formatInteger(data.low_balance.threshold)}`
            : "credits you can spend now"}
      </p>
    </div>
  );
}
