"use client";
// A small create form for catalog objects: fields in a row, errors beside each, a success note.
import { useActionState, useEffect, useId, useRef, useState } from "react";
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
  preview,
}: {
  fields: QuickField[];
  action: FormActionFn<T>;
  submitLabel: string;
  /** Values sent with every submission (the customer a form acts on). */
  hidden?: Record<string, string>;
  /** Asked (debounced) as the fields change: a sentence saying what submitting would do now. */
  preview?: FormActionFn<string>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const [previewText, setPreviewText] = useState<string | null>(null);
  const previewTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const previewSeq = useRef(0);
  const askPreview = () => {
    if (!preview || !form.current) return;
    clearTimeout(previewTimer.current);
    const data = new FormData(form.current);
    previewTimer.current = setTimeout(async () => {
      const seq = ++previewSeq.current;
      const r = await preview(null, data).catch(() => null);
      // Only the latest question's answer is shown (an older, slower one never overwrites it).
      if (seq === previewSeq.current) setPreviewText(r?.ok ? r.data : null);
    }, 400);
  };
  useEffect(() => () => clearTimeout(previewTimer.current), []);
  // Ids unique per form: two forms on a page may both have a "code" field, each label its own input.
  const formId = useId();
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const values = state && !state.ok ? (state.values ?? {}) : {};
  // Selects are controlled: React resets a form after its action runs, and an uncontrolled select
  // would jump back to its first option (the choice lost for the next submit). A choice no longer
  // among the options (the list changed) falls back to the field's default, then its first option.
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const selected = (f: QuickField & { options: { value: string }[] }) => {
    const has = (v: string | undefined): v is string => v !== undefined && f.options.some((o) => o.value === v);
    const pick = [chosen[f.name], values[f.name], f.defaultValue].find(has);
    return pick ?? f.options[0]?.value ?? "";
  };
  // React's reset puts a controlled select's DOM back on its first option without a render (the
  // state did not change); after each outcome the DOM is set to the chosen value again.
  const form = useRef<HTMLFormElement>(null);
  const selectValues = JSON.stringify(
    Object.fromEntries(fields.flatMap((f) => (f.options ? [[f.name, selected({ ...f, options: f.options })]] : []))),
  );
  useEffect(() => {
    const want = JSON.parse(selectValues) as Record<string, string>;
    for (const el of form.current?.querySelectorAll("select") ?? []) if (el.name in want) el.value = want[el.name]!;
  }, [state, selectValues]);
  return (
    <form
      ref={form}
      action={submit}
      onChange={preview ? askPreview : undefined}
      className="space-y-3 border-t border-zinc-100 px-5 py-4"
    >
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
            // min-w-0: a select is as wide as its longest option, and a grid item would grow to it (the page
            // then scrolls sideways on a phone); the select shrinks to its column instead.
            <div key={f.name} className="min-w-0">
              <label htmlFor={`${formId}-${f.name}`} className="block text-sm font-medium text-zinc-700">
                {f.label}
              </label>
              <select
                id={`${formId}-${f.name}`}
                name={f.name}
                value={selected({ ...f, options: f.options })}
                onChange={(e) => setChosen((c) => ({ ...c, [f.name]: e.target.value }))}
                required={f.required}
                className={`${inputClass} mt-1`}
              >
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              {f.hint && !errors[f.name] && <p className="mt-1 text-xs text-zinc-500">{f.hint}</p>}
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
      {preview && (
        <p aria-live="polite" data-testid="form-preview" className="min-h-5 text-sm text-zinc-600">
          {previewText}
        </p>
      )}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </Button>
    </form>
  );
}
