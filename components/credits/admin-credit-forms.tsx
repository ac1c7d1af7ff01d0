"use client";
import { useActionState, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";

type State<T = unknown> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string>; values?: Record<string, string> }
  | null;
type Action<T> = (prev: State<T>, form: FormData) => Promise<State<T>>;

/** What the submit did, announced and focused, so a keyboard or screen-reader user learns it where they are. */
function Outcome<T>({ state }: { state: State<T> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state && (state.ok || !state.fieldErrors)) box.current?.focus();
  }, [state]);
  if (!state) return null;
  if (state.ok) {
    return (
      <div ref={box} tabIndex={-1} role="status" className="text-sm text-emerald-700 outline-none">
        {state.message ?? "Done."}
      </div>
    );
  }
  return state.fieldErrors ? null : (
    <div ref={box} tabIndex={-1} className="outline-none">
      <FormError message={state.error} />
    </div>
  );
}

const err = <T,>(s: State<T>, f: string) => (s && !s.ok ? s.fieldErrors?.[f] : undefined);
const val = <T,>(s: State<T>, f: string) => (s && !s.ok ? s.values?.[f] : undefined);

function Select({
  id,
  label,
  name,
  options,
  defaultValue,
  error,
  hint,
}: {
  id: string;
  label: string;
  name: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  error?: string;
  hint?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputClass} mt-1`}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-600">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}

/** Each successful submit revalidates the page, which renders a fresh idempotency key: a double click grants once. */
export function GrantCreditsForm<T>({
  action,
  orgId,
  idempotencyKey,
}: {
  action: Action<T>;
  orgId: string;
  idempotencyKey: string;
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3" aria-label="Grant credits">
      <input type="hidden" name="org_id" value={orgId} />
      <input type="hidden" name="idempotency_key" value={idempotencyKey} />
      <div className="grid grid-cols-2 gap-3">
        <Field
          id="grant-amount"
          label="Credits"
          name="amount"
          type="number"
          min={1}
          step={1}
          required
          defaultValue={val(state, "amount")}
          error={err(state, "amount")}
        />
        <Select
          id="grant-source"
          label="Source"
          name="source"
          defaultValue={val(state, "source") ?? "promotional"}
          error={err(state, "source")}
          options={[
            { value: "promotional", label: "Promotional" },
            { value: "purchased", label: "Purchased" },
            { value: "subscription", label: "Subscription" },
          ]}
        />
      </div>
      <Field
        id="grant-expires_on"
        label="Expires on"
        name="expires_on"
        type="date"
        defaultValue={val(state, "expires_on")}
        error={err(state, "expires_on")}
        hint="Empty: never. Credits expire at the end of this day (UTC)."
      />
      <Field
        id="grant-reason"
        label="Reason"
        name="reason"
        required
        maxLength={500}
        placeholder="e.g. goodwill for the outage on May 2"
        defaultValue={val(state, "reason")}
        error={err(state, "reason")}
      />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Granting…" : "Grant credits"}
        </Button>
        <Outcome state={state} />
      </div>
    </form>
  );
}

export function AdjustCreditsForm<T>({
  action,
  orgId,
  idempotencyKey,
  buckets,
}: {
  action: Action<T>;
  orgId: string;
  idempotencyKey: string;
  buckets: { id: string; label: string }[];
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3" aria-label="Adjust credits">
      <input type="hidden" name="org_id" value={orgId} />
      <input type="hidden" name="idempotency_key" value={idempotencyKey} />
      <div className="grid grid-cols-2 gap-3">
        <Field
          id="adjust-amount"
          label="Change"
          name="amount"
          type="number"
          step={1}
          required
          placeholder="-250 or 100"
          defaultValue={val(state, "amount")}
          error={err(state, "amount")}
          hint="Negative takes credits away."
        />
        <Select
          id="adjust-bucket_id"
          label="Bucket"
          name="bucket_id"
          defaultValue={val(state, "bucket_id") ?? ""}
          error={err(state, "bucket_id")}
          options={[
            { value: "", label: "Spending order / new bucket" },
            ...buckets.map((b) => ({ value: b.id, label: b.label })),
          ]}
        />
      </div>
      <Field
        id="adjust-reason"
        label="Reason"
        name="reason"
        required
        maxLength={500}
        placeholder="e.g. duplicate grant on May 2"
        defaultValue={val(state, "reason")}
        error={err(state, "reason")}
      />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Adjusting…" : "Adjust"}
        </Button>
        <Outcome state={state} />
      </div>
    </form>
  );
}

export function RecordPurchaseForm<T>({
  action,
  orgId,
  packs,
}: {
  action: Action<T>;
  orgId: string;
  packs: { id: string; label: string }[];
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3" aria-label="Record a pack purchase">
      <input type="hidden" name="org_id" value={orgId} />
      <Select
        id="purchase-credit_product_id"
        label="Pack"
        name="credit_product_id"
        defaultValue={val(state, "credit_product_id")}
        error={err(state, "credit_product_id")}
        options={packs.map((p) => ({ value: p.id, label: p.label }))}
      />
      <Field
        id="purchase-payment_id"
        label="Payment reference"
        name="payment_id"
        required
        maxLength={200}
        placeholder="e.g. wire-2026-0042"
        defaultValue={val(state, "payment_id")}
        error={err(state, "payment_id")}
        hint="Granted once per reference: recording the same payment twice changes nothing."
      />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending || packs.length === 0}>
          {pending ? "Recording…" : "Record payment and grant"}
        </Button>
        <Outcome state={state} />
      </div>
    </form>
  );
}

const ORDERS = [
  ["purchased", "subscription", "promotional"],
  ["purchased", "promotional", "subscription"],
  ["subscription", "purchased", "promotional"],
  ["subscription", "promotional", "purchased"],
  ["promotional", "purchased", "subscription"],
  ["promotional", "subscription", "purchased"],
];

export function CreditSettingsForm<T>({
  action,
  orgId,
  settings,
}: {
  action: Action<T>;
  orgId: string;
  settings: {
    precedence: string[];
    allowOverage: boolean;
    overagePricePerCredit: string | null;
    lowBalanceThreshold: number | null;
    defaultThreshold: string;
  };
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3" aria-label="Credit settings">
      <input type="hidden" name="org_id" value={orgId} />
      <Select
        id="settings-precedence"
        label="Spending order"
        name="precedence"
        defaultValue={val(state, "precedence") ?? settings.precedence.join(",")}
        error={err(state, "precedence")}
        options={ORDERS.map((o) => ({ value: o.join(","), label: o.join(" → ") }))}
      />
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input
          type="checkbox"
          name="allow_overage"
          defaultChecked={settings.allowOverage}
          className="h-4 w-4 rounded border-zinc-300"
        />
        Allow overage (spend beyond the balance, billed per credit)
      </label>
      <div className="grid grid-cols-2 gap-3">
        <Field
          id="settings-overage_price_per_credit"
          label="Overage price per credit"
          name="overage_price_per_credit"
          inputMode="decimal"
          placeholder="smallest pack's price"
          defaultValue={val(state, "overage_price_per_credit") ?? settings.overagePricePerCredit ?? ""}
          error={err(state, "overage_price_per_credit")}
        />
        <Field
          id="settings-low_balance_threshold"
          label="Low-balance warning below"
          name="low_balance_threshold"
          type="number"
          min={0}
          step={1}
          placeholder={settings.defaultThreshold}
          defaultValue={val(state, "low_balance_threshold") ?? settings.lowBalanceThreshold ?? ""}
          error={err(state, "low_balance_threshold")}
        />
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Saving…" : "Save settings"}
        </Button>
        <Outcome state={state} />
      </div>
    </form>
  );
}
