import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  AdjustCreditsForm,
  CreditSettingsForm,
  GrantCreditsForm,
  RecordPurchaseForm,
} from "@/components/credits/admin-credit-forms";
import { bucketName } from "@/components/credits/buckets-table";
import { CreditOverview } from "@/components/credits/credit-overview";
import { DrawdownCard } from "@/components/credits/drawdown-card";
import { LedgerCard } from "@/components/credits/ledger-table";
import { QueryProvider } from "@/components/providers/query-provider";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { describeActors } from "@/lib/auth/describe-actors";
import { requireAdmin } from "@/lib/auth/session";
import { loadCreditsPage } from "@/lib/credits/credits-page";
import { getCreditSettings } from "@/lib/credits/settings";
import { formatInteger } from "@/lib/format";
import { findOrganization } from "@/lib/orgs/organizations";
import {
  adjustCreditsAction,
  grantCreditsAction,
  recordPurchaseAction,
  saveAutoTopUpForCustomerAction,
  saveSpendingCapForCustomerAction,
  updateCreditSettingsAction,
} from "./actions";
import { AutoTopUpCard, packLabel } from "@/components/credits/auto-top-up-card";
import { AutoTopUpForm } from "@/components/credits/auto-top-up-form";
import { autoTopUpJson, getAutoTopUp } from "@/lib/credits/auto-top-up";
import { SpendingCapCard } from "@/components/billing/spending-cap-card";
import { SpendingCapForm } from "@/components/billing/spending-cap-form";
import { getSpendingCap, spendingCapJson } from "@/lib/billing/spending-cap";
import { minorToDecimal } from "@/lib/money";

export const metadata: Metadata = { title: "Customer credits" };

type Search = {
  kind?: string;
  source?: string;
  event?: string;
  operation?: string;
  reservation?: string;
  cursor?: string;
};

export default async function AdminCustomerCreditsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Search>;
}) {
  await requireAdmin();
  const { id } = await params;
  const sp = await searchParams;
  const org = await findOrganization({ id });
  if (!org) notFound();
  const [data, settings, autoTopUp, cap] = await Promise.all([
    loadCreditsPage(org.id, sp, { ledgerLimit: 50 }),
    getCreditSettings(org.id),
    getAutoTopUp(org.id).then(autoTopUpJson),
    getSpendingCap(org.id).then((c) => spendingCapJson(org.id, c)),
  ]);
  const who = await describeActors(data.ledger.data.map((r) => r.actor));
  const base = `/admin/customers/${org.id}/credits`;
  const liveBuckets = data.balance.buckets
    .filter((b) => b.remaining > 0 || b.amount > 0)
    .slice(0, 50)
    .map((b) => ({
      id: b.id,
      label: `${bucketName(b)} · ${formatInteger(b.remaining)} of ${formatInteger(b.amount)} left · ${b.id.slice(-6)}`,
    }));
  const capCurrency = cap.currency ?? data.packs[0]?.currency ?? "usd";
  return (
    <QueryProvider>
      <p className="mb-2 text-sm">
        <Link href={`/admin/customers/${org.id}`} className="text-brand-600 hover:text-brand-700">
          ← {org.name}
        </Link>
      </p>
      <PageHeader
        title={`${org.name}: credits`}
        description={`${org.externalId ? `external id ${org.externalId} · ` : ""}${org.id}`}
      />
      <CreditOverview initial={data.balance} series={data.series} operator />
      <DrawdownCard data={data.drawdown} />
      <div className="mb-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Grant credits" description="A new bucket, recorded with your name and the reason." />
          <CardBody>
            <GrantCreditsForm action={grantCreditsAction} orgId={org.id} idempotencyKey={randomUUID()} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Adjust" description="A correction as a new ledger row: history is never rewritten." />
          <CardBody>
            <AdjustCreditsForm
              action={adjustCreditsAction}
              orgId={org.id}
              idempotencyKey={randomUUID()}
              buckets={liveBuckets}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Record a pack purchase"
            description="For a payment received outside checkout: the same path a confirmed online payment takes."
          />
          <CardBody>
            <RecordPurchaseForm
              action={recordPurchaseAction}
              orgId={org.id}
              packs={data.packs.map((p) => ({ id: p.id, label: `${p.name} (${formatInteger(p.credits)} credits)` }))}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Settings"
            description="How this customer's credits are spent and when they count as low."
          />
          <CardBody>
            <CreditSettingsForm
              action={updateCreditSettingsAction}
              orgId={org.id}
              settings={{
                precedence: settings.precedence,
                allowOverage: settings.allowOverage,
                overagePricePerCredit: settings.overagePricePerCredit,
                lowBalanceThreshold: settings.lowBalanceThreshold,
                defaultThreshold:
                  data.balance.low_balance.threshold !== null && settings.lowBalanceThreshold === null
                    ? `${data.balance.low_balance.threshold} (10 % of allocation)`
                    : "10 % of allocation",
              }}
            />
          </CardBody>
        </Card>
      </div>
      <AutoTopUpCard
        data={autoTopUp}
        packs={data.packs}
        form={
          <AutoTopUpForm
            action={saveAutoTopUpForCustomerAction}
            orgId={org.id}
            packs={data.packs.map((p) => ({ id: p.id, label: packLabel(p) }))}
            current={{
              enabled: autoTopUp.enabled,
              threshold: autoTopUp.threshold_credits,
              packId: autoTopUp.credit_product_id,
              maxPerMonth: autoTopUp.max_per_month,
            }}
          />
        }
      />
      <SpendingCapCard
        data={cap}
        form={
          <SpendingCapForm
            action={saveSpendingCapForCustomerAction}
            orgId={org.id}
            currency={capCurrency}
            current={{
              amount: cap.amount_cents !== null ? minorToDecimal(cap.amount_cents, capCurrency) : "",
              mode: cap.mode ?? "hard",
            }}
          />
        }
      />
      <LedgerCard
        base={base}
        description="Every movement, newest first."
        search={sp}
        events={data.events}
        ledger={data.ledger}
        actors={Object.fromEntries(who)}
        operator
      />
    </QueryProvider>
  );
}
