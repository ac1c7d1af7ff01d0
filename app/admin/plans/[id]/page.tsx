import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlanActions } from "@/components/catalog/plan-actions";
import { PlanStatusBadge } from "@/components/catalog/plan-status-badge";
import { StripePublishCard } from "@/components/catalog/stripe-publish-card";
import { VersionMove } from "@/components/catalog/version-move";
import { ChargeList } from "@/components/catalog/charge-summary";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listFeatures } from "@/lib/catalog/features";
import { planBillingThreshold } from "@/lib/catalog/plan-billing-threshold";
import { planStatus } from "@/lib/catalog/plan-status";
import { getPlan, planVersions } from "@/lib/catalog/plans";
import { planStripeStatus, stripeDifferences } from "@/lib/catalog/plan-stripe-status";
import { formatDate, formatFeatureValue, formatInteger, formatMoney } from "@/lib/format";
import { AppError } from "@/lib/http/errors";
import { previewVersionMove } from "@/lib/payments/plan-version-move";
import { paymentRail } from "@/lib/payments/provider";
import { liveSubscriberCounts } from "@/lib/subscriptions/queries";
import { moveSubscribersAction, publishPlanAction, setPlanStatusAction } from "../actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ saved?: string; stripe?: string }>;
}) {
  await requireAdmin();
  const { id } = await params;
  const { saved, stripe } = await searchParams;
  const plan = await getPlan(id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const [versions, features] = await Promise.all([planVersions(plan.code), listFeatures({ includeArchived: true })]);
  const featureByKey = new Map(features.map((f) => [f.key, f]));
  const [subscribers, threshold, move] = await Promise.all([
    liveSubscriberCounts(versions.map((v) => v.id)),
    planBillingThreshold(plan.id),
    plan.isLatest ? previewVersionMove(plan.id) : null,
  ]);
  const status = planStatus(plan);
  const latest = versions.find((v) => v.isLatest);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/plans" className="text-brand-600 hover:text-brand-700">
          ← Plans
        </Link>
      </p>
      <PageHeader
        title={plan.name}
        description={
          <span className="font-mono text-xs">
            {plan.code} · version {plan.version} · {plan.source}
            {plan.stripePriceId ? ` · ${plan.stripePriceId}` : ""}
          </span>
        }
        actions={
          plan.isLatest ? (
            <>
              <PlanStatusBadge plan={plan} />
              <Link
                href={`/admin/plans/${plan.id}/simulate${versions.length > 1 ? "?months=12" : ""}`}
                className={buttonClass("secondary")}
              >
                Simulate
              </Link>
              <PlanActions plan={plan} status={status} action={setPlanStatusAction} />
            </>
          ) : (
            <>
              <Badge tone="amber">older version</Badge>
              {latest && (
                <Link href={`/admin/plans/${latest.id}`} className="text-sm text-brand-600 hover:text-brand-700">
                  Newest: version {latest.version}
                </Link>
              )}
            </>
          )
        }
      />
      {saved && (
        <p
          role="status"
          className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          {saved === "created"
            ? `Saved as a draft. Customers see ${plan.name} once you put it on sale.`
            : saved === "version"
              ? `Saved as version ${plan.version}. Subscribers of earlier versions keep theirs until you move them (below).`
              : "Saved."}
        </p>
      )}
      {plan.isLatest && status === "draft" && !saved && (
        <p className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
          Draft: no customer can see or choose this plan until you put it on sale.
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0">
          <CardHeader title="Terms" />
          <CardBody>
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-zinc-500">Base price</dt>
                <dd className="tabular text-lg font-semibold text-zinc-900">
                  {formatMoney(plan.basePriceCents, plan.currency)}{" "}
                  <span className="text-sm font-normal text-zinc-500">/ {plan.interval}</span>
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Trial</dt>
                <dd>{plan.trialDays ? `${plan.trialDays} days` : "None"}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Included credits</dt>
                <dd className="tabular">{formatInteger(plan.includedCredits)} a month</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Limits</dt>
                <dd>
                  {plan.limits.length
                    ? plan.limits.map((l) => (
                        <div key={l.meter}>
                          {l.meter}: {formatInteger(l.limit)} a period ({l.enforcement})
                        </div>
                      ))
                    : "None"}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Features</dt>
                <dd data-testid="plan-features">
                  {plan.features.length
                    ? plan.features.map((g) => {
                        const f = featureByKey.get(g.feature);
                        return (
                          <div key={g.feature}>
                            {f?.name ?? g.feature}:{" "}
                            {formatFeatureValue(typeof g.value === "boolean" ? "boolean" : "numeric", g.value, f?.unit)}
                          </div>
                        );
                      })
                    : "None"}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Billing threshold</dt>
                <dd>
                  {threshold === null
                    ? "None: usage is billed at period end"
                    : `Invoice mid-period at ${formatMoney(threshold, plan.currency)} of unbilled usage`}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Customers choose it themselves</dt>
                <dd>{plan.selfServe ? "Yes (self-serve)" : "No: you assign it"}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Tier</dt>
                <dd className="font-mono text-xs">{plan.tier}</dd>
              </div>
            </dl>
          </CardBody>
        </Card>
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader title="Charges" description={plan.description || undefined} />
          <CardBody>
            <ChargeList charges={plan.charges} currency={plan.currency} />
          </CardBody>
        </Card>
        {move && <VersionMove preview={move} action={moveSubscribersAction} />}
        {paymentRail() === "stripe" && (
          <StripePublishCard
            plan={plan}
            status={planStripeStatus(plan)}
            differences={stripeDifferences(plan)}
            afterSave={stripe === "stripe_unavailable" || stripe === "refused" ? stripe : undefined}
            action={publishPlanAction}
          />
        )}
        <Card className="min-w-0 lg:col-span-3">
          <CardHeader title="Versions" description="Subscribers and calls stay on the version they started with." />
          <Table>
            <thead>
              <tr>
                <Th>Version</Th>
                <Th align="right">Base price</Th>
                <Th align="right">Live subscribers</Th>
                <Th>Created</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {versions.map((v) => (
                <tr key={v.id} className={v.id === plan.id ? "bg-brand-50/40" : undefined}>
                  <Td>
                    <Link href={`/admin/plans/${v.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                      v{v.version}
                    </Link>
                  </Td>
                  <Td align="right">{formatMoney(v.basePriceCents, v.currency)}</Td>
                  <Td align="right">{formatInteger(subscribers.get(v.id) ?? 0)}</Td>
                  <Td>{formatDate(v.createdAt)}</Td>
                  <Td>
                    <PlanStatusBadge plan={v} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}
