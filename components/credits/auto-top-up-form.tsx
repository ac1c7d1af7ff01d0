"use client";
// The auto top-up settings form: the customer's owner sets it on the credits page, an admin on the
// customer's credits page (org_id). Errors sit beside their field; a refusal the form cannot place
// (no saved card) shows above the button.
import { useActionState } from "react";
import { Field, FormError, inputClass } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import { SaveRow } from "@/components/ui/save-row";

export type PackOption = { id: string; label: string };

export function AutoTopUpForm({
  action,
  orgId,
  packs,
  current,
}: {
  action: FormActionFn<{ enabled: boolean }>;
  orgId?: string;
  packs: PackOption[];
  current: { enabled: boolean; threshold: number | null; packId: string | null; maxPerMonth: number | null };
}) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  const err = (f: string) => failed?.fieldErrors?.[f];
  const val = (f: string) => failed?.values?.[f];
  const enabled = failed ? val("enabled") === "on" : current.enabled;
  return (
    <form action={submit} className="space-y-4" aria-label="Automatic top-up settings">
      {orgId && <input type="hidden" name="org_id" value={orgId} />}
      <label className="flex items-start gap-3">
        <input
          type="checkbox"
          name="enabled"
          defaultChecked={enabled}
          className="mt-0.5 size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500"
        />
        <span className="text-sm">
          <span className="font-medium text-zinc-900">Top up automatically</span>
          <span className="block text-zinc-500">
            When the balance falls below the threshold, the saved card buys the pack — once each time it falls.
          </span>
        </span>
      </label>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Field
          id="atu-threshold"
          label="When the balance is below"
          name="threshold_credits"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          hint="credits"
          defaultValue={val("threshold_credits") ?? current.threshold ?? ""}
          error={err("threshold_credits")}
        />
        <div>
          <label htmlFor="atu-pack" className="block text-sm font-medium text-zinc-700">
            Buy
          </label>
          <select
            id="atu-pack"
            name="credit_product_id"
            required
            defaultValue={val("credit_product_id") ?? current.packId ?? packs[0]?.id}
            aria-invalid={err("credit_product_id") ? true : undefined}
            aria-describedby={err("credit_product_id") ? "atu-pack-error" : undefined}
            className={`${inputClass} mt-1`}
          >
            {packs.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
          {err("credit_product_id") && (
            <p id="atu-pack-error" className="mt-1 text-sm text-red-600">
              {err("credit_product_id")}
            </p>
          )}
        </div>
        <Field
          id="atu-max"
          label="At most, per month"
          name="max_per_month"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          step={1}
          required
          hint="top-ups (UTC months)"
          defaultValue={val("max_per_month") ?? current.maxPerMonth ?? 3}
          error={err("max_per_month")}
        />
      </div>
      {failed && (!failed.fieldErrors || failed.fieldErrors.enabled) && (
        <FormError message={failed.fieldErrors?.enabled ?? failed.error} />
      )}
      <SaveRow label="Save" pending={pending} message={state?.ok ? (state.message ?? "") : null} />
    </form>
  );
}
