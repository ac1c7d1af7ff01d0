import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger } from "@/lib/format";
import type { LedgerEntryJson } from "@/lib/credits/schemas";
import { KindBadge, SourceBadge, sourceLabel } from "./source-badge";

/**
 * Whose references a customer sees: a spend's is theirs (the call id they sent with consume or a
 * reservation) or names the meter and events a drawdown covered; a grant's or an expiry's is Tally's
 * own (a subscription and period, a payment), shown to the admin only.
 */
const CUSTOMER_REFERENCES = new Set(["consume", "reserve", "commit", "release"]);

/** A drawdown's reference ("meter:api_calls evt_1…evt_9 (9 events)") read as words: "usage of api_calls, …". */
const referenceForCustomer = (ref: string) => ref.replace(/^meter:(\S+)\s*/, "usage of $1, ");

/** A ledger row of GET /api/v1/credits/transactions (the fields the table shows). */
export type LedgerRowView = Omit<LedgerEntryJson, "seq" | "held_after" | "idempotency_key">;

export type LedgerFilterValues = {
  kind?: string;
  source?: string;
  event?: string;
  operation?: string;
  reservation?: string;
};

const signed = (n: number) => (n > 0 ? `+${formatInteger(n)}` : n < 0 ? `−${formatInteger(-n)}` : "0");

function what(r: LedgerRowView): string {
  switch (r.kind) {
    case "grant":
      return r.reason ?? "Credits granted";
    case "consume":
      return r.event_name ? `${r.event_name} × ${r.quantity}` : "Credits spent";
    case "reserve":
      return "Held for in-flight work";
    case "commit":
      return r.amount === 0 ? "Spent from the hold" : "Spent from the hold and the balance";
    case "release":
      return "Unspent hold returned";
    case "expire":
      return r.bucket_id ? "Unspent credits expired" : "Hold expired, credits returned";
    case "overage":
      return r.unit_price ? `Overage at ${r.unit_price} ${r.currency?.toUpperCase() ?? ""} a credit` : "Overage";
    case "overage_repaid":
      return "Overage repaid from these credits";
    case "refund":
      return r.reason ? `Refund: ${r.reason}` : "Refund";
    case "adjustment":
      return r.reason ? `Adjustment: ${r.reason}` : "Adjustment";
    default:
      return r.kind;
  }
}

/**
 * `actors` (lib/auth/describe-actors) names who made each movement; without it the table does not say.
 * `operator` (the admin's view) also shows each row's internal reference (a bucket, an allocation, a payment).
 */
export function LedgerTable({
  rows,
  hrefFor,
  actors,
  operator = false,
}: {
  rows: LedgerRowView[];
  hrefFor: (f: LedgerFilterValues) => string;
  actors?: Record<string, string>;
  operator?: boolean;
}) {
  if (rows.length === 0)
    return (
      <EmptyState title="No movements">
        Nothing matches these filters yet. Grants, spends, holds and expiries all appear here.
      </EmptyState>
    );
  return (
    <Table label="Credit ledger">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Kind</Th>
          <Th>What</Th>
          <Th>Bucket</Th>
          <Th align="right">Balance ±</Th>
          <Th align="right">Bucket ±</Th>
          <Th align="right">Balance after</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => (
          <tr key={r.id} data-testid="ledger-row" data-kind={r.kind}>
            <Td className="min-w-24 text-xs" wrap>
              <LocalTime value={r.created_at} />
            </Td>
            <Td>
              <KindBadge kind={r.kind} />
            </Td>
            <Td className="min-w-56 max-w-md whitespace-normal">
              <div className="text-zinc-900">{what(r)}</div>
              <div className="mt-0.5 flex flex-wrap gap-x-3 break-all font-mono text-xs text-zinc-500">
                <Link
                  href={hrefFor({ operation: r.operation_id })}
                  className="hover:text-brand-700"
                  title="All rows of this movement"
                >
                  {r.operation_id}
                </Link>
                {r.reservation_id && (
                  <Link
                    href={hrefFor({ reservation: r.reservation_id })}
                    className="hover:text-brand-700"
                    title="Everything about this reservation"
                  >
                    {r.reservation_id}
                  </Link>
                )}
                {r.reference && (operator || CUSTOMER_REFERENCES.has(r.kind)) && (
                  <span title="Reference" data-testid="ledger-reference">
                    {operator ? r.reference : referenceForCustomer(r.reference)}
                  </span>
                )}
              </div>
              {actors && r.actor && actors[r.actor] && (
                <div className="mt-0.5 break-words text-xs text-zinc-500" data-testid="ledger-actor">
                  by {actors[r.actor]}
                </div>
              )}
            </Td>
            <Td>
              <SourceBadge source={r.source} />
            </Td>
            <Td
              align="right"
              className={r.amount < 0 ? "text-zinc-900" : r.amount > 0 ? "text-emerald-700" : "text-zinc-500"}
            >
              {signed(r.amount)}
            </Td>
            <Td align="right" className="text-zinc-500">
              {r.bucket_id ? signed(r.bucket_delta) : "—"}
            </Td>
            <Td align="right" className="font-medium text-zinc-900">
              {formatInteger(r.balance_after)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

const KINDS = [
  "grant",
  "consume",
  "reserve",
  "commit",
  "release",
  "expire",
  "refund",
  "adjustment",
  "overage",
  "overage_repaid",
];
const SOURCES = ["purchased", "subscription", "promotional"];

/** Filters live in the URL (a plain GET form), so a filtered ledger can be linked to. */
export function LedgerFilters({
  action,
  values,
  events,
  hidden,
}: {
  action: string;
  values: LedgerFilterValues;
  events: string[];
  hidden?: Record<string, string>;
}) {
  const select = (
    name: string,
    label: string,
    options: string[],
    value?: string,
    labelOf = (o: string) => o.replace(/_/g, " "),
  ) => (
    <div>
      <label htmlFor={`ledger-${name}`} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <select id={`ledger-${name}`} name={name} defaultValue={value ?? ""} className={`${inputClass} mt-1 w-40`}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form
      action={action}
      className="flex flex-wrap items-end gap-3 border-b border-zinc-100 px-5 py-3"
      role="search"
      aria-label="Filter the ledger"
    >
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {select("kind", "Kind", KINDS, values.kind)}
      {select("source", "Source", SOURCES, values.source, sourceLabel)}
      {select("event", "Credit event", events, values.event)}
      <button type="submit" className={buttonClass("secondary")}>
        Filter
      </button>
      {(values.kind || values.source || values.event || values.operation || values.reservation) && (
        <Link href={action} className="text-sm text-brand-600 hover:text-brand-700">
          Clear
        </Link>
      )}
      {(values.operation || values.reservation) && (
        <span className="text-xs text-zinc-500">
          Showing {values.operation ? `movement ${values.operation}` : `reservation ${values.reservation}`}
        </span>
      )}
    </form>
  );
}

/** The ledger card of a credits page: filters, one page of rows, and Newest / Older by cursor. `base` is the page's path. */
export function LedgerCard({
  base,
  description,
  search,
  events,
  ledger,
  actors,
  operator = false,
}: {
  base: string;
  description: string;
  search: LedgerFilterValues & { cursor?: string };
  events: string[];
  ledger: { data: LedgerRowView[]; nextCursor: string | null };
  actors?: Record<string, string>;
  /** The admin's view: rows show their internal references. */
  operator?: boolean;
}) {
  const filters: LedgerFilterValues = {
    kind: search.kind,
    source: search.source,
    event: search.event,
    operation: search.operation,
    reservation: search.reservation,
  };
  const hrefFor = (f: LedgerFilterValues & { cursor?: string }) => {
    const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1])));
    return `${base}${q.size ? `?${q}` : ""}#ledger`;
  };
  return (
    <Card id="ledger">
      <CardHeader title="Ledger" description={description} />
      <LedgerFilters action={base} values={filters} events={events} />
      <LedgerTable rows={ledger.data} hrefFor={hrefFor} actors={actors} operator={operator} />
      {(ledger.nextCursor || search.cursor) && (
        <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
          {search.cursor && (
            <Link className={buttonClass("secondary", "sm")} href={hrefFor(filters)}>
              Newest
            </Link>
          )}
          {ledger.nextCursor && (
            <Link className={buttonClass("secondary", "sm")} href={hrefFor({ ...filters, cursor: ledger.nextCursor })}>
              Older
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}
