"use client";
// The operator's invoicing settings: the seller printed on every invoice and the number prefix.
import { useActionState } from "react";
import { AddressFields } from "@/components/billing/address-fields";
import { Field, FormError, inputClass } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import type { SellerSettings } from "@/lib/invoices/party-schemas";
import { SaveRow } from "@/components/ui/save-row";

const TAX_MODE_OPTIONS: { value: SellerSettings["tax_mode"]; label: string }[] = [
  { value: "none", label: "No tax on invoices" },
  { value: "tally_rates", label: "Charge the tax rates below" },
  { value: "stripe_tax", label: "Stripe Tax computes it (Stripe only)" },
];

export function SellerSettingsForm({
  action,
  current,
}: {
  action: FormActionFn<SellerSettings>;
  current: SellerSettings;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  const err = (f: string) => failed?.fieldErrors?.[f];
  const value = (f: keyof SellerSettings) => failed?.values?.[f] ?? current[f];
  return (
    <form action={submit} className="space-y-5" aria-label="Invoicing settings">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          id="seller-legal_name"
          label="Legal name"
          name="legal_name"
          autoComplete="organization"
          placeholder="e.g. Acme Software GmbH"
          hint="Printed at the top of every invoice; empty prints Tally."
          defaultValue={value("legal_name")}
          error={err("legal_name")}
          className="sm:col-span-2"
        />
      </div>
      <AddressFields idPrefix="seller" value={value} error={err} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          id="seller-tax_id"
          label="Tax id"
          name="tax_id"
          placeholder="e.g. DE123456789"
          defaultValue={value("tax_id")}
          error={err("tax_id")}
        />
        <Field
          id="seller-support_email"
          label="Support email"
          name="support_email"
          type="email"
          placeholder="billing@example.com"
          defaultValue={value("support_email")}
          error={err("support_email")}
        />
        <Field
          id="seller-number_prefix"
          label="Invoice number prefix"
          name="number_prefix"
          hint="Letters, digits and dashes; numbers issued from now on use it (e.g. TLY-000042)."
          defaultValue={value("number_prefix")}
          error={err("number_prefix")}
        />
        <Field
          id="seller-credit_note_prefix"
          label="Credit note number prefix"
          name="credit_note_prefix"
          hint="Credit notes are numbered in their own sequence under it (e.g. CN-000007)."
          defaultValue={value("credit_note_prefix")}
          error={err("credit_note_prefix")}
        />
      </div>
      <div>
        <label htmlFor="seller-tax_mode" className="block text-sm font-medium text-zinc-700">
          Tax
        </label>
        <select
          id="seller-tax_mode"
          name="tax_mode"
          defaultValue={value("tax_mode")}
          aria-describedby="seller-tax_mode-hint"
          className={`${inputClass} mt-1 sm:max-w-md`}
        >
          {TAX_MODE_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <p id="seller-tax_mode-hint" className="mt-1 text-xs text-zinc-500">
          With your rates, invoices issued from now on carry the rate of the customer&apos;s country (EU businesses with
          a VAT id in another member state are reverse charged); with Stripe Tax, Stripe works tax out.
        </p>
      </div>
      <div>
        <label htmlFor="seller-invoice_footer" className="block text-sm font-medium text-zinc-700">
          Invoice footer
        </label>
        <textarea
          id="seller-invoice_footer"
          name="invoice_footer"
          rows={3}
          maxLength={500}
          defaultValue={value("invoice_footer")}
          aria-invalid={err("invoice_footer") ? true : undefined}
          aria-describedby={err("invoice_footer") ? "seller-invoice_footer-error" : "seller-invoice_footer-hint"}
          className={`${inputClass} mt-1`}
        />
        {err("invoice_footer") ? (
          <p id="seller-invoice_footer-error" className="mt-1 text-sm text-red-600">
            {err("invoice_footer")}
          </p>
        ) : (
          <p id="seller-invoice_footer-hint" className="mt-1 text-xs text-zinc-500">
            Payment terms or bank details, printed at the bottom of each invoice.
          </p>
        )}
      </div>
      {failed && <FormError message={failed.error} />}
      <SaveRow label="Save invoicing settings" pending={pending} message={state?.ok ? (state.message ?? "") : null} />
    </form>
  );
}
