"use client";
// The spending cap form: an amount in the plan's currency (empty removes the cap) and hard or soft.
import { useActionState } from "react";
import { Field, FormError, inputClass } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import { SaveRow } from "@/components/ui/save-row";

export function SpendingCapForm({
  action,
  orgId,
  currency,
  current,
}: {
  action: FormActionFn<{ enabled: boolean }>;
  orgId?: string;
  currency: string;
  current: { amount: string; mode: "hard" | "soft" };
}) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  const err = (f: string) => failed?.fieldErrors?.[f];
  return (
    <form action={submit} className="space-y-4" aria-label="Spending cap settings">
      {orgId && <input type="hidden" name="org_id" value={orgId} />}
      <input type="hidden" name="currency" value={currency} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          id="cap-amount"
          label={`Monthly cap (${currency.toUpperCase()})`}
          name="amount"
          inputMode="decimal"
          placeholder="e.g. 250.00"
          hint="Leave empty for no cap."
          defaultValue={failed?.values?.amount ?? current.amount}
          error={err("amount")}
        />
        <div>
          <label htmlFor="cap-mode" className="block text-sm font-medium text-zinc-700">
            At the cap
          </label>
          <select
            id="cap-mode"
            name="mode"
            defaultValue={failed?.values?.mode ?? current.mode}
            className={`${inputClass} mt-1`}
          >
            <option value="hard">Stop usage (hard)</option>
            <option value="soft">Only alert me (soft)</option>
          </select>
          <p className="mt-1 text-xs text-zinc-500">Alerts come at 80 % and 100 % either way.</p>
        </div>
      </div>
      {failed && !failed.fieldErrors && <FormError message={failed.error} />}
      <SaveRow label="Save cap" pending={pending} message={state?.ok ? (state.message ?? "") : null} />
    </form>
  );
}
