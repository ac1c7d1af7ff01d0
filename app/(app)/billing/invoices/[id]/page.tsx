import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InvoicePartyBlocks } from "@/components/billing/invoice-parties";
import { Badge, TestBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireCustomer } from "@/lib/auth/session";
import { formatDate, formatMoney, formatQuantity, formatUnitPrice } from "@/lib/format";
import { AppError } from "@/lib/http/errors";
import { getInvoice } from "@/lib/invoices/queries";
import { TAX_ROUNDING_NOTE, taxSummaryRows } from "@/lib/tax/describe";

export const metadata: Metadata = { title: "Invoice" };

export default async function InvoicePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ checkout?: string }>;
}) {
  const user = await requireCustomer();
  const { id } = await params;
  const { checkout } = await searchParams;
  const {
    invoice: inv,
    customer,
    lines,
  } = await getInvoice(user.orgId, id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  return (
    <>
      <div className="mb-4 flex items-center justify-between print:hidden">
        <Link href="/billing" className="text-sm text-brand-600 hover:text-brand-700">
          ← Billing
        </Link>
        <a
          href={inv.provider === "local" ? `/api/v1/billing/invoices/${inv.id}/pdf` : (inv.pdfUrl ?? "#")}
          className={buttonClass("secondary")}
        >
          Download PDF
        </a>
      </div>
      {inv.status === "open" && inv.provider === "local" && inv.livemode && (
        <div
          role="status"
          data-testid="awaiting-payment"
          className="mb-4 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 print:hidden"
        >
          <strong>Awaiting payment.</strong>{" "}
          {checkout === "awaiting_payment" ? "Your order is placed and invoiced. " : ""}Pay{" "}
          {formatMoney(inv.amountDueCents, inv.currency)} by bank transfer or as agreed, quoting invoice {inv.number}.
          Your credits or plan start as soon as we record the payment.
        </div>
      )}
      <Card className="print:border-0 print:shadow-none">
        <CardBody className="space-y-8 p-8">
          <div className="flex flex-wrap justify-between gap-6">
            <InvoicePartyBlocks parties={inv.parties} customer={customer} />
            <div className="text-right">
              <h1 className="text-2xl font-semibold text-zinc-900">Invoice {inv.number}</h1>
              <p className="text-sm text-zinc-600">Issued {formatDate(inv.issuedAt)}</p>
              {inv.periodStart && inv.periodEnd && (
                <p className="text-sm text-zinc-600">
                  Period {formatDate(inv.periodStart)} – {formatDate(inv.periodEnd)}
                </p>
              )}
              <div className="mt-2">
                <Badge tone={inv.status === "paid" ? "green" : inv.status === "open" ? "amber" : "gray"}>
                  {inv.status}
                </Badge>
                {!inv.livemode && <TestBadge />}
              </div>
            </div>
          </div>
          <Table>
            <thead>
              <tr>
                <Th>Description</Th>
                <Th align="right">Quantity</Th>
                <Th align="right">Unit price</Th>
                <Th align="right">Amount</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {lines.map((l) => (
                <tr key={l.id}>
                  <Td wrap>{l.description}</Td>
                  <Td align="right">{formatQuantity(l.quantity)}</Td>
                  <Td align="right">{l.unitAmount ? formatUnitPrice(l.unitAmount, inv.currency, "unit") : "—"}</Td>
                  <Td align="right">{formatMoney(l.amountCents, inv.currency)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <dl className="ml-auto w-full max-w-xs space-y-1 text-sm">
            {taxSummaryRows(inv).map((row) => (
              <div key={row.label} className="flex justify-between gap-4 text-zinc-700" data-testid="tax-row">
                <dt>{row.label}</dt>
                <dd className="tabular">{formatMoney(row.cents, inv.currency)}</dd>
              </div>
            ))}
            <div className="flex justify-between font-semibold text-zinc-900">
              <dt>Total</dt>
              <dd className="tabular">{formatMoney(inv.totalCents, inv.currency)}</dd>
            </div>
            <div className="flex justify-between text-zinc-600">
              <dt>Paid</dt>
              <dd className="tabular">{formatMoney(inv.amountPaidCents, inv.currency)}</dd>
            </div>
            <div className="flex justify-between font-semibold text-zinc-900">
              <dt>Amount due</dt>
              <dd className="tabular">{formatMoney(inv.amountDueCents, inv.currency)}</dd>
            </div>
          </dl>
          {inv.tax?.note && (
            <p className="text-sm font-medium text-zinc-900" data-testid="tax-note">
              {inv.tax.note}
            </p>
          )}
          {inv.tax && <p className="text-xs text-zinc-500">{TAX_ROUNDING_NOTE}</p>}
          {inv.parties?.seller.invoice_footer && (
            <p className="whitespace-pre-line text-sm text-zinc-600">{inv.parties.seller.invoice_footer}</p>
          )}
        </CardBody>
      </Card>
    </>
  );
}
