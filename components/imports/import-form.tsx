"use client";
// Start an import: the source, its API address and key, dry run (on by default: look first), and
// optionally a sync every N hours. The key is never sent back to the page.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import type { ImportRunJson } from "@/lib/imports/schemas";

export type ImportStarted = Pick<ImportRunJson, "id" | "dry_run" | "counts">;

export function ImportForm({ action }: { action: FormActionFn<ImportStarted> }) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  const errors = failed?.fieldErrors ?? {};
  const shownBeside = ["source", "api_url", "api_key", "api_secret", "every_hours"].some((f) => errors[f]);
  return (
    <form action={submit} className="space-y-4 px-5 py-4" aria-label="Start an import">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-[10rem_1fr_1fr]">
        <div>
          <label htmlFor="import-source" className="block text-sm font-medium text-zinc-700">
            Source
          </label>
          <select
            id="import-source"
            name="source"
            defaultValue={failed?.values?.source ?? "flexprice"}
            className={`${inputClass} mt-1`}
            aria-invalid={errors.source ? true : undefined}
          >
            <option value="flexprice">FlexPrice</option>
            <option value="lago">Lago</option>
          </select>
          {errors.source && <p className="mt-1 text-sm text-red-600">{errors.source}</p>}
        </div>
        <Field
          label="API URL"
          name="api_url"
          type="url"
          inputMode="url"
          required
          maxLength={2000}
          placeholder="https://api.cloud.flexprice.io"
          hint="The account's API address (http or https)."
          defaultValue={failed?.values?.api_url}
          error={errors.api_url}
        />
        <Field
          label="API key"
          name="api_secret"
          type="password"
          autoComplete="off"
          required
          maxLength={1000}
          hint="Used for this run; stored sealed only with a schedule."
          error={errors.api_key ?? errors.api_secret}
        />
      </div>
      <div className="flex flex-wrap items-end gap-6">
        <label className="flex items-center gap-2 text-sm text-zinc-700">
          <input
            type="checkbox"
            name="dry_run"
            defaultChecked={failed ? failed.values?.dry_run === "on" : true}
            className="h-4 w-4 rounded border-zinc-300"
          />
          Dry run: list what would change, write nothing
        </label>
        <Field
          label="Sync again every (hours, optional)"
          name="every_hours"
          type="number"
          min={1}
          max={168}
          step={1}
          placeholder="e.g. 6"
          className="w-72"
          defaultValue={failed?.values?.every_hours}
          error={errors.every_hours ?? errors.schedule}
        />
      </div>
      {failed && !shownBeside && <FormError message={failed.error} />}
      {state?.ok && state.message && (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
        >
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Reading the source…" : "Start import"}
      </Button>
    </form>
  );
}
