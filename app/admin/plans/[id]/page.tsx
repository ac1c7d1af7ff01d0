import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionButton } from "@/components/ui/action-button";
import { ChargeList } from "@/components/catalog/charge-summary";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { getPlan, planVersions } from "@/lib/catalog/plans";
import { formatDate, formatInteger, formatMoney } from "@/lib/format";
import { AppError } from "@/lib/http/errors";
import { liveSubscriberCounts } from "@/lib/subscriptions/queries";
import { archivePlanAction } from "../actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const plan = await getPlan(id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const versions = await planVersions(plan.code);
  const subscribers = await liveSubscriberCounts(versions.map((v) => v.id));
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
          plan.isLatest && plan.active ? (
            <ActionButton
              action={archivePlanAction}
              fields={{ id: plan.id }}
              label="Take off sale"
              pendingLabel="Taking off sale…"
              variant="danger"
              confirm={{
                title: `Take ${plan.name} off sale?`,
                body: (
                  <>
                    <p>
                      Customers can no longer choose {plan.name} (version {plan.version}): it leaves the plan picker and
                      checkout at once.
                    </p>
                    <p>Customers already on it keep it and are billed as before.</p>
                  </>
                ),
                confirmLabel: "Take off sale",
                keepLabel: "Keep on sale",
              }}
            />
          ) : plan.isLatest ? (
            <Badge>archived</Badge>
          ) : (
            <Badge tone="amber">older version</Badge>
          )
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card>
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
                <dt className="text-zinc-500">Tier</dt>
                <dd className="font-mono text-xs">{plan.tier}</dd>
              </div>
            </dl>
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Charges" description={plan.description || undefined} />
          <CardBody>
            <ChargeList charges={plan.charges} currency={plan.currency} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-3">
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
                    {v.isLatest ? (
                      v.active ? (
                        <Badge tone="green">for sale</Badge>
                      ) : (
                        <Badge>archived</Badge>
                      )
                    ) : (
                      <Badge tone="amber">replaced</Badge>
                    )}
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
