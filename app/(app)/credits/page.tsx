import { formatMoney } from "@/lib/format";
import type { Metadata } from "next";
import Link from "next/link";
import { CreditOverview } from "@/components/credits/credit-overview";
import { CreditPacks } from "@/components/credits/credit-packs";
import { DrawdownCard } from "@/components/credits/drawdown-card";
import { LedgerCard } from "@/components/credits/ledger-table";
import { SpendChart } from "@/components/credits/spend-chart";
import { SpendTable } from "@/components/credits/spend-table";
import { QueryProvider } from "@/components/providers/query-provider";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FocusedNotice } from "@/components/ui/focused-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { loadCreditsPage } from "@/lib/credits/credits-page";
import { RedirectButton } from "@/components/billing/redirect-button";
import { checkoutAction } from "../billing/actions";
import { AutoTopUpCard, packLabel } from "@/components/credits/auto-top-up-card";
import { AutoTopUpForm } from "@/components/credits/auto-top-up-form";
import { autoTopUpJson, getAutoTopUp } from "@/lib/credits/auto-top-up";
import { SpendingCapCard } from "@/components/billing/spending-cap-card";
import { SpendingCapForm } from "@/components/billing/spending-cap-form";
import { getSpendingCap, spendingCapJson } from "@/lib/billing/spending-cap";
import { minorToDecimal } from "@/lib/money";
import { saveAutoTopUpAction, saveSpendingCapAction } from "./actions";

export const metadata: Metadata = { title: "Credits" };

type Search = {
  purchase?: string;
  kind?: string;
  source?: string;
  event?: string;
  operation?: string;
  reservation?: string;
  cursor?: string;
};

export default async function CreditsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireCustomer();
  const sp = await searchParams;
  const [data, autoTopUp, cap] = await Promise.all([
    loadCreditsPage(user.orgId, sp),
    getAutoTopUp(user.orgId).then(autoTopUpJson),
    getSpendingCap(user.orgId).then((c) => spendingCapJson(user.orgId, c)),
  ]);
  const capCurrency = cap.currency ?? data.packs[0]?.currency ?? "usd";
  return (
    <QueryProvider>
      <PageHeader
        title="Credits"
        description={
          <>
            Spend them over the API with <code className="font-mono text-xs">POST /api/v1/credits/consume</code> — see
            the{" "}
            <Link href="/docs" className="text-brand-600 underline hover:text-brand-700">
              API docs
            </Link>
            .
          </>
        }
      />
      {sp.purchase === "success" && (
        <FocusedNotice className="mb-6 rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          Payment received: your credits are in the purchased bucket below.
        </FocusedNotice>
      )}
      <CreditOverview initial={data.balance} series={data.series} />
      <div className="mb-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Spending, last 30 days" description="Credits spent per day (UTC), net of refunds." />
          {data.series.some((d) => d.credits !== 0) ? (
            <CardBody>
              <SpendChart series={data.series} />
            </CardBody>
          ) : (
            <EmptyState title="No spending yet">Credits spent over the API show up here, day by day.</EmptyState>
          )}
        </Card>
        <Card>
          <CardHeader title="By day" />
          <CardBody>
            <SpendTable series={data.series} />
          </CardBody>
        </Card>
      </div>
      <DrawdownCard data={data.drawdown} />
      <Card className="mb-6">
        <CardHeader title="Credit packs" description="Purchased credits never expire and are spent first." />
        <CreditPacks
          packs={data.packs}
          renderBuyAction={(p) =>
            user.role === "owner" ? (
              <RedirectButton
                action={checkoutAction}
                fields={{ credit_product_id: p.id }}
                label={`Buy for ${formatMoney(p.priceCents, p.currency)}`}
                variant="primary"
              />
            ) : (
              <p className="text-xs text-zinc-500">Only the organization&apos;s owner can buy credits.</p>
            )
          }
        />
      </Card>
      <AutoTopUpCard
        data={autoTopUp}
        packs={data.packs}
        form={
          user.role === "owner" ? (
            <AutoTopUpForm
              action={saveAutoTopUpAction}
              packs={data.packs.map((p) => ({ id: p.id, label: packLabel(p) }))}
              current={{
                enabled: autoTopUp.enabled,
                threshold: autoTopUp.threshold_credits,
                packId: autoTopUp.credit_product_id,
                maxPerMonth: autoTopUp.max_per_month,
              }}
            />
          ) : (
            <p className="text-xs text-zinc-500">Only the organization&apos;s owner can change automatic top-up.</p>
          )
        }
        renderFinish={(packId) =>
          user.role === "owner" ? (
            <RedirectButton
              action={checkoutAction}
              fields={{ credit_product_id: packId }}
              label="Buy the pack now"
              variant="primary"
            />
          ) : null
        }
      />
      <SpendingCapCard
        data={cap}
        form={
          user.role === "owner" ? (
            <SpendingCapForm
              action={saveSpendingCapAction}
              currency={capCurrency}
              current={{
                amount: cap.amount_cents !== null ? minorToDecimal(cap.amount_cents, capCurrency) : "",
                mode: cap.mode ?? "hard",
              }}
            />
          ) : (
            <p className="text-xs text-zinc-500">Only the organization&apos;s owner can change the spending cap.</p>
          )
        }
      />
      <LedgerCard
        base={"/credits"}
        description="Every movement of your credits, newest first. Each spend names its credit event, reference (call) or reservation."
        search={sp}
        events={data.events}
        ledger={data.ledger}
      />
    </QueryProvider>
  );
}
