import type { Metadata } from "next";
import { QuickForm } from "@/components/catalog/quick-form";
import { SellerSettingsForm } from "@/components/settings/seller-settings-form";
import { TaxReportForm } from "@/components/settings/tax-report-form";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getSellerSettings } from "@/lib/invoices/seller-settings";
import { formatPercentage } from "@/lib/tax/compute";
import { listTaxRates } from "@/lib/tax/rates";
import { saveSellerSettingsAction } from "./actions";
import { createTaxRateAction, setTaxRateActiveAction } from "./tax-actions";

export const metadata: Metadata = { title: "Settings" };

const MODE_NOTE = {
  none: "Tax is off: invoices charge no tax until you choose your rates (or Stripe Tax) under Invoicing above.",
  tally_rates: "Invoices issued from now on charge the active rate of the customer's country (or region).",
  stripe_tax: "Stripe Tax works tax out on Stripe's checkouts and invoices; these rates are not charged.",
} as const;

export default async function SettingsPage() {
  const [seller, rates] = await Promise.all([getSellerSettings(), listTaxRates()]);
  const today = new Date().toISOString().slice(0, 10);
  return (
    <>
      <PageHeader title="Settings" description="Installation-wide settings." />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Invoicing"
            description="The seller every invoice names. Invoices already issued keep the details they were issued with."
          />
          <CardBody>
            <SellerSettingsForm action={saveSellerSettingsAction} current={seller} />
          </CardBody>
        </Card>

        <Card id="tax-rates">
          <CardHeader title="Tax rates" description={MODE_NOTE[seller.tax_mode]} />
          {rates.length === 0 ? (
            <EmptyState title="No tax rates yet">Add one below, e.g. VAT 20 % for GB.</EmptyState>
          ) : (
            <Table label="Tax rates">
              <thead>
                <tr>
                  <Th>Jurisdiction</Th>
                  <Th>Tax</Th>
                  <Th align="right">Rate</Th>
                  <Th>Prices</Th>
                  <Th>Status</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {rates.map((r) => (
                  <tr key={r.id}>
                    <Td className="font-mono">{r.region ? `${r.country}-${r.region}` : r.country}</Td>
                    <Td>{r.name}</Td>
                    <Td align="right" className="tabular">
                      {formatPercentage(r.percentage)}
                    </Td>
                    <Td>{r.inclusive ? "include it" : "exclude it"}</Td>
                    <Td>
                      <Badge tone={r.active ? "green" : "gray"}>{r.active ? "Active" : "Archived"}</Badge>
                    </Td>
                    <Td className="text-right">
                      <ActionButton
                        action={setTaxRateActiveAction}
                        fields={{ tax_rate_id: r.id, active: r.active ? "false" : "true" }}
                        label={r.active ? "Archive" : "Restore"}
                        ariaLabel={`${r.active ? "Archive" : "Restore"} ${r.name} for ${r.country}`}
                        size="sm"
                        confirm={
                          r.active
                            ? {
                                title: `Archive ${r.name} ${formatPercentage(r.percentage)}?`,
                                body: "Invoices issued from now on no longer charge it; invoices already issued keep it. You can restore it.",
                                confirmLabel: "Archive",
                                keepLabel: "Keep it",
                              }
                            : undefined
                        }
                      />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createTaxRateAction}
            submitLabel="Add tax rate"
            fields={[
              { name: "country", label: "Country", placeholder: "GB", required: true, hint: "Two letters." },
              { name: "region", label: "Region", placeholder: "CA", hint: "Empty: the whole country." },
              { name: "name", label: "Name", placeholder: "VAT", required: true },
              { name: "percentage", label: "Percent", placeholder: "20", inputMode: "decimal", required: true },
              {
                name: "inclusive",
                label: "Prices",
                defaultValue: "false",
                options: [
                  { value: "false", label: "exclude it (added on top)" },
                  { value: "true", label: "include it" },
                ],
              },
            ]}
          />
        </Card>

        <Card id="tax-report">
          <CardHeader
            title="Tax report"
            description="Net, tax and gross per country, region and rate of the invoices issued in a period, with reverse-charged sales apart — as a spreadsheet (CSV)."
          />
          <CardBody>
            <TaxReportForm today={today} />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
