import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { agentsWithoutPlan } from "@/lib/agents/agents";
import { callsWithoutCost } from "@/lib/agents/calls";
import { requireAdmin } from "@/lib/auth/session";
import { organizationsWithoutProviderId } from "@/lib/orgs/count";
import { jobsNeedingAttention } from "@/lib/jobs/outbox";
import { stripeConfigured } from "@/lib/stripe/client";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { retryJobAction } from "../webhooks/actions";
import { reconciledPeriods } from "@/lib/payments/reconcile-stripe-periods";
import { formatDate, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Monitoring" };

export default async function MonitoringPage() {
  await requireAdmin();
  const stripeOn = stripeConfigured();
  const [customers, agents, calls, stuck, periods] = await Promise.all([
    stripeOn ? organizationsWithoutProviderId() : Promise.resolve([]),
    agentsWithoutPlan(),
    callsWithoutCost(),
    jobsNeedingAttention(),
    stripeOn ? reconciledPeriods() : Promise.resolve([]),
  ]);
  const differing = periods.filter((p) => p.differences.length > 0);
  return (
    <>
      <PageHeader title="Needs attention" description="Things that stop Tally from billing correctly." />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title={`Customers without a payment-provider customer (${customers.length})`}
            description={
              stripeOn
                ? "They cannot be charged through Stripe until their Stripe customer exists; the outbox below creates them."
                : "Stripe is not configured: the local sandbox bills customers and needs no provider customer."
            }
          />
          {customers.length === 0 ? (
            <EmptyState
              title={stripeOn ? "Every customer has a Stripe customer." : "Nothing to do while Stripe is off."}
            />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Customer</Th>
                  <Th>Email</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {customers.map((c) => (
                  <tr key={c.id}>
                    <Td>
                      <Link
                        href={`/admin/customers/${c.id}`}
                        className="font-medium text-zinc-900 hover:text-brand-700"
                      >
                        {c.name}
                      </Link>
                    </Td>
                    <Td>{c.email ?? "—"}</Td>
                    <Td>
                      <LocalTime value={c.createdAt} mode="relative" />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card>
          <CardHeader
            title={`Background jobs failing or waiting to retry (${stuck.length})`}
            description="Calls to Stripe go through a durable outbox with exponential backoff; failed ones wait here for a retry."
          />
          {stuck.length === 0 ? (
            <EmptyState title="No job is failing." />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Job</Th>
                  <Th>Status</Th>
                  <Th>Last error</Th>
                  <Th />
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {stuck.map((j) => (
                  <tr key={j.id} className="align-top">
                    <Td>
                      <span className="font-mono text-xs">{j.kind}</span>
                      <div className="text-xs text-zinc-500">
                        {j.attempts} attempts · created <LocalTime value={j.createdAt} mode="relative" />
                      </div>
                    </Td>
                    <Td>
                      <Badge tone={j.status === "failed" ? "red" : "amber"}>
                        {j.status === "failed" ? "failed" : "retrying"}
                      </Badge>
                    </Td>
                    <Td wrap className="max-w-md text-xs text-red-700">
                      {j.lastError}
                    </Td>
                    <Td align="right">
                      <ActionButton action={retryJobAction} fields={{ id: j.id }} label="Retry now" size="sm" />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        {stripeOn && (
          <Card>
            <CardHeader
              title={`Stripe periods that do not reconcile (${differing.length})`}
              description="Each ended period of a Stripe subscription: the usage Tally rated beside what Stripe invoiced and collected for it, compared every few hours. A missing item, an amount off or an invoice unpaid past its due date is listed here and counted in /api/metrics (tally_billing_reconciliation_differences)."
            />
            {periods.length === 0 ? (
              <EmptyState title="No Stripe period has ended with usage yet." />
            ) : (
              <Table label="Stripe reconciliation">
                <thead>
                  <tr>
                    <Th>Customer</Th>
                    <Th>Period</Th>
                    <Th align="right">Tally rated</Th>
                    <Th align="right">Stripe invoiced</Th>
                    <Th align="right">Collected</Th>
                    <Th>Differences</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {periods.map((p) => (
                    <tr key={p.id} className="align-top" data-testid="reconciliation-row">
                      <Td>
                        <Link
                          href={`/admin/customers/${p.orgId}`}
                          className="font-medium text-zinc-900 hover:text-brand-700"
                        >
                          {p.orgName}
                        </Link>
                        {p.stripeInvoiceId && (
                          <div>
                            <a
                              href={`https://dashboard.stripe.com/invoices/${p.stripeInvoiceId}`}
                              className="font-mono text-xs text-brand-600 hover:text-brand-700"
                            >
                              {p.stripeInvoiceId}
                            </a>
                          </div>
                        )}
                      </Td>
                      <Td>
                        {formatDate(p.periodStart)} – {formatDate(p.periodEnd)}
                      </Td>
                      <Td align="right">{formatMoney(p.totalCents, p.currency)}</Td>
                      <Td align="right">{p.invoicedCents === null ? "—" : formatMoney(p.invoicedCents, p.currency)}</Td>
                      <Td align="right">
                        {p.collectedCents === null ? "—" : formatMoney(p.collectedCents, p.currency)}
                        {p.stripeStatus && <div className="text-xs text-zinc-500">{p.stripeStatus}</div>}
                      </Td>
                      <Td wrap className="max-w-md text-xs">
                        {p.reconciledAt === null ? (
                          <Badge tone="gray">not compared yet</Badge>
                        ) : p.differences.length === 0 ? (
                          <Badge tone="green">matches</Badge>
                        ) : (
                          p.differences.map((d, i) => (
                            <div key={i} className="text-red-700">
                              <Badge tone="red">{d.kind.replace(/_/g, " ")}</Badge> {d.message}
                            </div>
                          ))
                        )}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
        )}
        <Card>
          <CardHeader title={`Agents without a plan (${agents.length})`} description="Their calls cannot be priced." />
          {agents.length === 0 ? (
            <EmptyState title="Every agent has a plan." />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Agent</Th>
                  <Th>Customer</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {agents.map((a) => (
                  <tr key={a.id}>
                    <Td>
                      <Link href={`/admin/agents/${a.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                        {a.name}
                      </Link>
                    </Td>
                    <Td>{a.orgName}</Td>
                    <Td>
                      <LocalTime value={a.createdAt} mode="relative" />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card>
          <CardHeader
            title={`Calls without a cost (${calls.length})`}
            description="Started but not finalized, or refused because they had no plan."
          />
          {calls.length === 0 ? (
            <EmptyState title="Every call has a cost." />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Call</Th>
                  <Th>Agent</Th>
                  <Th>Customer</Th>
                  <Th>Started</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {calls.map((c) => (
                  <tr key={c.id}>
                    <Td className="font-mono text-xs">{c.id}</Td>
                    <Td>
                      <Link href={`/admin/agents/${c.agentId}`} className="text-zinc-900 hover:text-brand-700">
                        {c.agentName}
                      </Link>
                      {!c.planId && <span className="ml-2 text-xs text-amber-700">no plan at start</span>}
                    </Td>
                    <Td>{c.orgName}</Td>
                    <Td>
                      <LocalTime value={c.startedAt} mode="relative" />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
