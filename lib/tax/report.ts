// The tax report: per jurisdiction (country, region) and rate, what local invoices issued in a period
// charged — net, tax, gross, how many invoices — with reverse-charged net apart. Read from the tax
// snapshot each invoice keeps (invoices.tax), so a rate renamed or archived later changes nothing.
// Test (sandbox) and void invoices are left out: they owe no tax. A credit note issued in the period
// takes its credited net and tax off its jurisdiction's row (the period it is issued in, as revenue
// does), so a period's tax is what was charged minus what was credited.
import "server-only";
import { sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import { db, type Executor } from "@/lib/db/client";
import { bool, int, nullable, selectRows, text } from "@/lib/db/rows";
import { safeText } from "@/lib/revenue/csv-stream";
import type { TaxReportRow } from "./schemas";

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** `from` and `to` are UTC days, both included. */
export async function taxReport(range: { from: string; to: string }, tx: Executor = db): Promise<TaxReportRow[]> {
  const from = `${range.from}T00:00:00Z`;
  const to = nextDay(range.to);
  const rows = await selectRows(
    {
      country: text,
      region: nullable(text),
      name: text,
      percentage: text,
      inclusive: bool,
      currency: text,
      net_cents: int,
      tax_cents: int,
      reverse_charge_net_cents: int,
      invoice_count: int,
      credit_note_count: int,
    },
    sql`with docs as (
          select i.id as invoice_id, null::text as note_id, i.currency, i.tax, 1 as sign
          from invoices i
          where i.tax is not null and i.livemode and i.status not in ('draft', 'void')
            and i.issued_at >= ${from}::timestamptz and i.issued_at < ${to}::timestamptz
          union all
          select null, n.id, n.currency, n.tax, -1
          from credit_notes n
          where n.tax is not null and n.livemode and n.status <> 'void'
            and n.issued_at >= ${from}::timestamptz and n.issued_at < ${to}::timestamptz
        )
        select b->>'country' as country, nullif(b->>'region', '') as region, b->>'name' as name,
          b->>'percentage' as percentage, (b->>'inclusive')::boolean as inclusive, d.currency,
          sum(d.sign * (b->>'net_cents')::bigint)::text as net_cents,
          sum(d.sign * (b->>'tax_cents')::bigint)::text as tax_cents,
          sum(case when b->>'kind' = 'reverse_charge' then d.sign * (b->>'net_cents')::bigint else 0 end)::text as reverse_charge_net_cents,
          count(distinct d.invoice_id)::int as invoice_count,
          count(distinct d.note_id)::int as credit_note_count
        from docs d cross join lateral jsonb_array_elements(d.tax->'breakdown') b
        group by 1, 2, 3, 4, 5, 6
        order by 1, 2 nulls first, 3, 4, 6`,
    tx,
  );
  return rows.map((r) => ({ ...r, gross_cents: r.net_cents + r.tax_cents }));
}

export const TAX_REPORT_COLUMNS = [
  "country",
  "region",
  "tax_name",
  "percentage",
  "inclusive",
  "currency",
  "net_cents",
  "tax_cents",
  "gross_cents",
  "reverse_charge_net_cents",
  "invoice_count",
  "credit_note_count",
] as const;

export function taxReportCsv(rows: TaxReportRow[]): string {
  return stringify([
    [...TAX_REPORT_COLUMNS],
    ...rows.map((r) => [
      r.country,
      r.region ?? "",
      safeText(r.name),
      r.percentage,
      r.inclusive ? "true" : "false",
      r.currency,
      r.net_cents,
      r.tax_cents,
      r.gross_cents,
      r.reverse_charge_net_cents,
      r.invoice_count,
      r.credit_note_count,
    ]),
  ]);
}
