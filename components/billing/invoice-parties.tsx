// The two parties of an issued invoice as it kept them (From / Billed to), for the invoice's page.
import { addressLines, type InvoiceParties } from "@/lib/invoices/party-schemas";
import { TAX_ID_LABELS } from "@/lib/invoices/tax-ids";

export function InvoicePartyBlocks({
  parties,
  customer,
}: {
  parties: InvoiceParties | null;
  customer: { name: string; email: string | null };
}) {
  const seller = parties?.seller;
  const buyer = parties?.buyer;
  return (
    <div className="flex flex-wrap gap-x-10 gap-y-4">
      {seller && (
        <div className="min-w-0 break-words">
          <p className="text-sm text-zinc-500">From</p>
          <p className="font-semibold text-zinc-900">{seller.legal_name || "Tally"}</p>
          {addressLines(seller).map((l) => (
            <p key={l} className="text-sm text-zinc-600">
              {l}
            </p>
          ))}
          {seller.tax_id && <p className="text-sm text-zinc-600">Tax ID {seller.tax_id}</p>}
          {seller.support_email && <p className="text-sm text-zinc-600">{seller.support_email}</p>}
        </div>
      )}
      <div className="min-w-0 break-words">
        <p className="text-sm text-zinc-500">Billed to</p>
        <p className="font-semibold text-zinc-900">{buyer?.billing_name || customer.name}</p>
        {buyer &&
          addressLines(buyer).map((l) => (
            <p key={l} className="text-sm text-zinc-600">
              {l}
            </p>
          ))}
        {buyer?.tax_ids.map((t) => (
          <p key={`${t.type}:${t.value}`} className="text-sm text-zinc-600">
            {TAX_ID_LABELS[t.type]} {t.value}
          </p>
        ))}
        {customer.email && <p className="text-sm text-zinc-600">{customer.email}</p>}
      </div>
    </div>
  );
}
