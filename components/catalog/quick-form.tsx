"use client";
// A small create form for catalog objects: fields in a row, errors beside each, a success note.
import { useActionState, useId } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";

export type QuickField = {
  name: string;
  label: string;
  placeholder?: string;
  /** What the field holds before anything is typed. */
  defaultValue?: string;
  hint?: string;
  options?: { value: string; label: string }[];
  inputMode?: "decimal" | "numeric";
  type?: string;
  required?: boolean;
};

export function QuickForm<T>({
  fields,
  action,
  submitLabel,
  hidden = {},
}: {
  fields: QuickField[];
  action: FormActionFn<T>;
  submitLabel: string;
  /** Values sent with every submission (the customer a form acts on). */
  hidden?: Record<string, string>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  // Ids unique per form: two forms on a page may both have a "code" field, each label its own input.
  const formId = useId();
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const values = state && !state.ok ? (state.values ?? {}) : {};
  return (
    <form action={submit} className="space-y-3 border-t border-zinc-100 px-5 py-4">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {state && !state.ok && !state.fieldErrors && <FormError message={state.error} />}
      {state?.ok && state.message && (
        <p role="status" className="text-sm text-emerald-700">
          {state.message}
        </p>
      )}
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {fields.map((f) =>
          f.options ? (
            <div key={f.name}>
              <label htmlFor={`${formId}-${f.name}`} className="block text-sm font-medium text-zinc-700">
                {f.label}
              </label>
              <select
                id={`${formId}-${f.name}`}
                name={f.name}
                defaultValue={values[f.name]}
                className={`${inputClass} mt-1`}
              >
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              {errors[f.name] && <p className="mt-1 text-sm text-red-600">{errors[f.name]}</p>}
            </div>
          ) : (
            <Field
              key={f.name}
              id={`${formId}-${f.name}`}
              label={f.label}
              name={f.name}
              placeholder={f.placeholder}
              hint={f.hint}
              inputMode={f.inputMode}
              type={f.type}
              required={f.required}
              error={errors[f.name]}
              defaultValue={values[f.name] ?? f.defaultValue}
            />
          ),
        )}
      </div>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
