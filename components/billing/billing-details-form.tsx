"use client";
// A customer's billing details: the buyer its invoices name (billing name, address, tax ids).
// The owner edits them, or the operator for the customer (orgId); members see them read-only.
import { startTransition, useActionState, useState } from "react";
import { AddressFields } from "@/components/billing/address-fields";
import { Field, FormError, inputClass } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import { TAX_ID_ROWS, type BillingDetails } from "@/lib/invoices/party-schemas";
import { TAX_ID_KINDS, TAX_ID_LABELS, type TaxIdKind } from "@/lib/invoices/tax-ids";
import { SaveRow } from "@/components/ui/save-row";

export function BillingDetailsForm({
  action,
  orgId,
  current,
  readOnly = false,
}: {
  action: FormActionFn<BillingDetails>;
  orgId?: string;
  current: BillingDetails;
  readOnly?: boolean;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  const err = (f: string) => failed?.fieldErrors?.[f];
  const value = (f: Exclude<keyof BillingDetails, "tax_ids">) => failed?.values?.[f] ?? current[f];
  // Controlled selects, and the form is submitted by hand: a form action's automatic reset would put
  // the selects back to their first option while their state still says otherwise.
  const [kinds, setKinds] = useState<TaxIdKind[]>(() =>
    Array.from(
      { length: TAX_ID_ROWS },
      (_, i) => (failed?.values?.[`tax_id_type_${i}`] as TaxIdKind | undefined) ?? current.tax_ids[i]?.type ?? "eu_vat",
    ),
  );
  // Saved: the kinds follow the stored rows (an emptied row drops out and the ones below move up).
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) setKinds(Array.from({ length: TAX_ID_ROWS }, (_, i) => state.data.tax_ids[i]?.type ?? "eu_vat"));
  }
  return (
    <form
      // Saved: start again from what was stored (normalized ids, the rows in their new order).
      key={state?.ok ? JSON.stringify(state.data) : "editing"}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => submit(data));
      }}
      className="space-y-5"
      aria-label="Billing details"
    >
      {orgId && <input type="hidden" name="org_id" value={orgId} />}
      <Field
        id="details-billing_name"
        label="Billing name"
        name="billing_name"
        autoComplete="organization"
        placeholder="The legal name invoices are made out to"
        defaultValue={value("billing_name")}
        error={err("billing_name")}
        disabled={readOnly}
      />
      <AddressFields idPrefix="details" value={value} error={err} disabled={readOnly} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-700">Tax ids</legend>
        <p className="text-xs text-zinc-500">
          EU VAT with its country prefix (DE123456789), GB VAT, US EIN (12-3456789), AU ABN, IN GSTIN. Leave a value
          empty to remove it.
        </p>
        {kinds.map((kind, i) => (
          <div key={i} className="grid grid-cols-[8rem_minmax(0,1fr)] gap-2">
            <div>
              <label htmlFor={`details-tax_id_type_${i}`} className="sr-only">
                Kind of tax id {i + 1}
              </label>
              <select
                id={`details-tax_id_type_${i}`}
                name={`tax_id_type_${i}`}
                value={kind}
                onChange={(e) => setKinds((ks) => ks.map((k, j) => (j === i ? (e.target.value as TaxIdKind) : k)))}
                disabled={readOnly}
                className={inputClass}
              >
                {TAX_ID_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {TAX_ID_LABELS[k]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`details-tax_id_value_${i}`} className="sr-only">
                Tax id {i + 1}
              </label>
              <input
                id={`details-tax_id_value_${i}`}
                name={`tax_id_value_${i}`}
                defaultValue={failed?.values?.[`tax_id_value_${i}`] ?? current.tax_ids[i]?.value ?? ""}
                aria-invalid={err(`tax_id_value_${i}`) ? true : undefined}
                aria-describedby={err(`tax_id_value_${i}`) ? `details-tax_id_value_${i}-error` : undefined}
                disabled={readOnly}
                className={inputClass}
              />
              {err(`tax_id_value_${i}`) && (
                <p id={`details-tax_id_value_${i}-error`} className="mt-1 text-sm text-red-600">
                  {err(`tax_id_value_${i}`)}
                </p>
              )}
            </div>
          </div>
        ))}
      </fieldset>
      {failed && <FormError message={failed.error} />}
      {readOnly ? (
        <p className="text-sm text-zinc-500">Only the organization&apos;s owner can change the billing details.</p>
      ) : (
        <SaveRow label="Save billing details" pending={pending} message={state?.ok ? (state.message ?? "") : null} />
      )}
    </form>
  );
}
