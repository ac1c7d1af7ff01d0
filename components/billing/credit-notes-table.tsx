import { Badge, TestBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatMoney } from "@/lib/format";
import type { CreditNoteJson } from "@/lib/invoices/credit-note-schemas";

const OUTCOMES: Record<CreditNoteJson["outcome"], string> = {
  refund_to_card: "Refunded to card",
  customer_credit_balance: "Credit balance",
  next_invoice_balance: "Off the next invoice",
  outside_stripe: "Given back outside Stripe",
};

/** Credit notes, newest first, with where their money went and a PDF link (the customer's billing page and the admin's customer page). */
export function CreditNotesTable({ rows }: { rows: CreditNoteJson[] }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No credit notes">
        A credit note appears here when part of a paid invoice is given back.
      </EmptyState>
    );
  return (
    <Table label="Credit notes">
      <thead>
        <tr>
          <Th>Credit note</Th>
          <Th>Issued</Th>
          <Th>Invoice</Th>
          <Th align="right">Amount</Th>
          <Th>Outcome</Th>
          <Th>Reason</Th>
          <Th />
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((n) => (
          <tr key={n.id} data-testid={`credit-note-${n.number}`}>
            <Td className="font-mono text-xs text-zinc-900">
              {n.number}
              {!n.livemode && <TestBadge />}
            </Td>
            <Td>{formatDate(new Date(n.issued_at))}</Td>
            <Td className="font-mono text-xs">{n.invoice_number}</Td>
            <Td align="right">{formatMoney(n.amount_cents, n.currency)}</Td>
            <Td>
              {n.status === "void" ? (
                <Badge tone="gray">Void</Badge>
              ) : (
                <Badge tone={n.outcome === "refund_to_card" ? "gray" : "green"}>{OUTCOMES[n.outcome]}</Badge>
              )}
              {n.status !== "void" && n.balance_remaining_cents > 0 && (
                <span className="ml-2 text-xs text-zinc-500">
                  {formatMoney(n.balance_remaining_cents, n.currency)} left
                </span>
              )}
            </Td>
            <Td wrap className="max-w-xs">
              {n.reason}
              {n.void_reason && <div className="text-xs text-zinc-500">Voided: {n.void_reason}</div>}
            </Td>
            <Td align="right">
              {n.pdf_url && (
                <a href={n.pdf_url} className="text-brand-600 hover:text-brand-700">
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
