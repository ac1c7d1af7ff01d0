import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger, formatMoney, formatMonth, formatPercent } from "@/lib/format";
import type { RevenueMonthJson as MonthJson } from "@/lib/revenue/schemas";

/**
 * The numbers behind the MRR and movement charts, one row a month, newest first: the MRR movements in one
 * table, customers, retention and non-recurring revenue in a second, so neither hides columns off to the
 * right on a desktop screen (on a phone each scrolls inside the card).
 */
export function MovementsTable({ months, currency }: { months: MonthJson[]; currency: string }) {
  const m = (cents: number) => formatMoney(cents, currency);
  const loss = (cents: number) => (cents ? `−${m(cents)}` : m(0));
  const newestFirst = [...months].reverse();
  return (
    <>
      <MrrMovements months={newestFirst} m={m} loss={loss} />
      <h3 className="border-t border-zinc-100 px-5 pb-1 pt-4 text-sm font-semibold text-zinc-900">
        Customers, retention and other revenue
      </h3>
      <Table label="Customers, retention and other revenue per month">
        <thead>
          <tr>
            <Th>Month</Th>
            <Th align="right">Customers</Th>
            <Th align="right">Logo churn</Th>
            <Th align="right">Revenue churn</Th>
            <Th align="right">NRR</Th>
            <Th align="right">Credit packs</Th>
            <Th align="right">Usage</Th>
            <Th align="right">Credit notes</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {newestFirst.map((r) => (
            <tr key={r.month} data-testid={`retention-${r.month}`}>
              <Td className="font-medium text-zinc-900">{formatMonth(r.month)}</Td>
              <Td align="right">{formatInteger(r.customers_at_end)}</Td>
              <Td align="right">{formatPercent(r.logo_churn_rate)}</Td>
              <Td align="right">{formatPercent(r.revenue_churn_rate)}</Td>
              <Td align="right">{formatPercent(r.net_revenue_retention)}</Td>
              <Td align="right">{m(r.credit_pack_revenue_cents)}</Td>
              <Td align="right">
                <span data-testid="usage-revenue">{m(r.usage_revenue_cents)}</span>
              </Td>
              <Td align="right">
                <span data-testid="credit-notes">{loss(r.credit_notes_cents)}</span>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

function MrrMovements({
  months,
  m,
  loss,
}: {
  months: MonthJson[];
  m: (cents: number) => string;
  loss: (cents: number) => string;
}) {
  return (
    <Table label="MRR movements per month">
      <thead>
        <tr>
          <Th>Month</Th>
          <Th align="right">Starting MRR</Th>
          <Th align="right">New</Th>
          <Th align="right">Expansion</Th>
          <Th align="right">Reactivation</Th>
          <Th align="right">Contraction</Th>
          <Th align="right">Churned</Th>
          <Th align="right">Ending MRR</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {months.map((r) => (
          <tr key={r.month} data-testid={`month-${r.month}`}>
            <Td className="font-medium text-zinc-900">{formatMonth(r.month)}</Td>
            <Td align="right">{m(r.starting_mrr_cents)}</Td>
            <Td align="right" className="text-emerald-700">
              {m(r.new_mrr_cents)}
            </Td>
            <Td align="right" className="text-emerald-700">
              {m(r.expansion_mrr_cents)}
            </Td>
            <Td align="right" className="text-emerald-700">
              {m(r.reactivation_mrr_cents)}
            </Td>
            <Td align="right" className="text-amber-700">
              {loss(r.contraction_mrr_cents)}
            </Td>
            <Td align="right" className="text-red-700">
              {loss(r.churned_mrr_cents)}
            </Td>
            <Td align="right" className="font-medium text-zinc-900">
              <span data-testid="ending-mrr">{m(r.ending_mrr_cents)}</span>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
