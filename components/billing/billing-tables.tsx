import Link from "next/link";
import { Badge, TestBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatCard, formatCardExpiry, formatDate, formatMoney, formatPaymentMethodLabel } from "@/lib/format";

export type InvoiceRow = {
  id: string;
  number: string;
  status: string;
  totalCents: number;
  amountDueCents: number;
  currency: string;
  issuedAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  pdfUrl: string | null;
  hostedUrl: string | null;
  livemode?: boolean;
};

export function InvoicesTable({ rows }: { rows: InvoiceRow[] }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No invoices yet">
        Invoices appear here when a paid period starts or you buy credits.
      </EmptyState>
    );
  return (
    <Table label="Invoices">
      <thead>
        <tr>
          <Th>Invoice</Th>
          <Th>Issued</Th>
          <Th>Period</Th>
          <Th align="right">Total</Th>
          <Th>Status</Th>
          <Th />
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((i) => (
          <tr key={i.id}>
            <Td className="font-mono text-xs text-zinc-900">
              {i.number}
              {i.livemode === false && <TestBadge />}
            </Td>
            <Td>{formatDate(i.issuedAt)}</Td>
            <Td>{i.periodStart && i.periodEnd ? `${formatDate(i.periodStart)} – ${formatDate(i.periodEnd)}` : "—"}</Td>
            <Td align="right">{formatMoney(i.totalCents, i.currency)}</Td>
            <Td>
              <Badge tone={i.status === "paid" ? "green" : i.status === "open" ? "amber" : "gray"}>{i.status}</Badge>
            </Td>
            <Td align="right" className="space-x-3">
              {i.hostedUrl && (
                <Link href={i.hostedUrl} className="text-brand-600 hover:text-brand-700">
                  View
                </Link>
              )}
              {i.pdfUrl && (
                <a href={i.pdfUrl} className="text-brand-600 hover:text-brand-700">
                  PDF
                </a>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export type PaymentRow = {
  id: string;
  kind: string;
  status: string;
  amountCents: number;
  amountRefundedCents: number;
  currency: string;
  description: string;
  paymentMethodLabel: string | null;
  failureMessage: string | null;
  createdAt: Date;
  livemode?: boolean;
};

const PAYMENT_TONE = {
  succeeded: "green",
  failed: "red",
  refunded: "gray",
  partially_refunded: "amber",
  pending: "blue",
} as const;

export function PaymentsTable({ rows }: { rows: PaymentRow[] }) {
  if (rows.length === 0) return <EmptyState title="No payments yet" />;
  return (
    <Table label="Payments">
      <thead>
        <tr>
          <Th>Date</Th>
          <Th>What</Th>
          <Th>Method</Th>
          <Th align="right">Amount</Th>
          <Th>Status</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((p) => (
          <tr key={p.id}>
            <Td>
              <LocalTime value={p.createdAt} />
            </Td>
            <Td>
              {p.description}
              {p.kind === "credits" && (
                <Badge tone="brand" className="ml-2">
                  credits
                </Badge>
              )}
              {p.livemode === false && <TestBadge />}
              {p.failureMessage && <div className="text-xs text-red-600">{p.failureMessage}</div>}
            </Td>
            <Td>{formatPaymentMethodLabel(p.paymentMethodLabel)}</Td>
            <Td align="right">
              {formatMoney(p.amountCents, p.currency)}
              {p.amountRefundedCents > 0 && (
                <div className="text-xs text-zinc-500">{formatMoney(p.amountRefundedCents, p.currency)} refunded</div>
              )}
            </Td>
            <Td>
              <Badge tone={PAYMENT_TONE[p.status as keyof typeof PAYMENT_TONE] ?? "gray"}>
                {p.status.replace("_", " ")}
              </Badge>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export type MethodRow = {
  id: string;
  brand: string;
  last4: string;
  expMonth: number | null;
  expYear: number | null;
  isDefault: boolean;
};

export function PaymentMethodsList({ rows }: { rows: MethodRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-zinc-500">No payment method on file.</p>;
  return (
    <ul className="divide-y divide-zinc-100">
      {rows.map((m) => (
        <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
          <span className="whitespace-nowrap font-medium text-zinc-900">{formatCard(m.brand, m.last4)}</span>
          <span className="whitespace-nowrap text-zinc-500">
            {m.expMonth && m.expYear ? `expires ${formatCardExpiry(m.expMonth, m.expYear)}` : ""}
            {m.isDefault && (
              <Badge tone="brand" className="ml-2">
                default
              </Badge>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
