"use client";
// The invoice the current period ends with: what the customer will pay on the period's last day,
// line by line (the same lines the invoice will carry), with the total so far and projected.
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatMoney } from "@/lib/format";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { useUpcomingInvoice } from "@/lib/queries/billing";

const KIND: Record<string, string> = {
  usage: "Usage",
  overage: "Credit overage",
  call_usage: "Agent calls",
  agent_fixed: "Agent plan",
  late_usage: "Late usage",
  addon: "Add-on",
};

export function UpcomingInvoice({ initial }: { initial: UpcomingInvoiceJson }) {
  const { data, isFetching } = useUpcomingInvoice(initial);
  const u = data ?? initial;
  const projected = new Map(u.projected_lines.map((l) => [l.id, l.amount_cents]));
  // A rate, or a reverse charge (0 %, its note shown): the totals say what the invoice will say.
  const taxed = u.tax.treatment === "rate" || u.tax.treatment === "reverse_charge";
  return (
    <div data-testid="upcoming-invoice" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <p className="text-sm text-zinc-600">
          What you will pay on <strong className="text-zinc-900">{formatDate(u.invoice_date)}</strong>, for usage{" "}
          {formatDate(u.period_start)} – {formatDate(u.period_end)}
          {u.status === "trialing" && " (usage during the trial is free)"}.
        </p>
        <div className="text-right">
          <div className="text-2xl font-semibold text-zinc-900" data-testid="upcoming-total">
            {formatMoney(taxed ? u.tax.total_so_far_with_tax_cents : u.total_so_far_cents, u.currency)}
          </div>
          <div className="text-xs text-zinc-500">
            so far{taxed && (u.tax.inclusive ? " with tax included" : " with tax")} · about{" "}
            <span data-testid="upcoming-projected">
              {formatMoney(taxed ? u.tax.projected_total_with_tax_cents : u.projected_total_cents, u.currency)}
            </span>{" "}
            at the current pace {isFetching && <span className="text-zinc-500">· updating</span>}
          </div>
        </div>
      </div>
      <Table label="Upcoming invoice">
        <thead>
          <tr>
            <Th>Line</Th>
            <Th align="right">So far</Th>
            <Th align="right">Projected</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {u.plan_fee && (
            <tr>
              <Td wrap>
                {u.plan_fee.description} <Badge tone="gray">Plan</Badge>
              </Td>
              <Td align="right">{formatMoney(u.plan_fee.amount_cents, u.currency)}</Td>
              <Td align="right">{formatMoney(u.plan_fee.amount_cents, u.currency)}</Td>
            </tr>
          )}
          {u.discounts.map((d) => (
            <tr key={d.description}>
              <Td wrap>{d.description}</Td>
              <Td align="right">{formatMoney(d.amount_cents, u.currency)}</Td>
              <Td align="right">{formatMoney(d.amount_cents, u.currency)}</Td>
            </tr>
          ))}
          {u.addon_fees.map((f) => (
            <tr key={f.addon_id} data-testid="upcoming-addon-fee">
              <Td wrap>
                {f.description} <Badge tone="gray">Add-on</Badge>
              </Td>
              <Td align="right">{formatMoney(f.amount_cents, u.currency)}</Td>
              <Td align="right">{formatMoney(f.amount_cents, u.currency)}</Td>
            </tr>
          ))}
          {u.lines.map((l) => (
            <tr key={l.id} data-testid="upcoming-line">
              <Td wrap>
                {l.description} <Badge tone="gray">{KIND[l.kind] ?? l.kind}</Badge>
              </Td>
              <Td align="right">
                <span title={`exact: ${l.amount_exact}`}>{formatMoney(l.amount_cents, u.currency)}</span>
              </Td>
              <Td align="right">{formatMoney(projected.get(l.id) ?? l.amount_cents, u.currency)}</Td>
            </tr>
          ))}
          {u.lines.length === 0 && (
            <tr>
              <Td wrap className="text-zinc-500">
                No usage yet this period.
              </Td>
              <Td align="right">{formatMoney(0, u.currency)}</Td>
              <Td align="right">—</Td>
            </tr>
          )}
        </tbody>
        {(taxed || u.tax.treatment === "stripe_tax") && (
          <tfoot className="border-t border-zinc-200 text-sm" data-testid="upcoming-tax">
            {u.tax.label ? (
              <>
                <tr>
                  <Td wrap>Subtotal{u.tax.inclusive && " (tax included)"}</Td>
                  <Td align="right">{formatMoney(u.total_so_far_cents, u.currency)}</Td>
                  <Td align="right">{formatMoney(u.projected_total_cents, u.currency)}</Td>
                </tr>
                <tr>
                  <Td wrap>{u.tax.label}</Td>
                  <Td align="right">{formatMoney(u.tax.tax_so_far_cents, u.currency)}</Td>
                  <Td align="right">{formatMoney(u.tax.projected_tax_cents, u.currency)}</Td>
                </tr>
                <tr className="font-semibold">
                  <Td wrap>Total</Td>
                  <Td align="right">{formatMoney(u.tax.total_so_far_with_tax_cents, u.currency)}</Td>
                  <Td align="right">{formatMoney(u.tax.projected_total_with_tax_cents, u.currency)}</Td>
                </tr>
              </>
            ) : (
              <tr>
                <Td wrap className="text-zinc-600" colSpan={3}>
                  {u.tax.note ?? "Tax is worked out by Stripe when the invoice is issued."}
                </Td>
              </tr>
            )}
          </tfoot>
        )}
      </Table>
    </div>
  );
}
