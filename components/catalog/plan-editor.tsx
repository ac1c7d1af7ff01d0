"use client";
// Creates or edits a plan: its terms, limits, charges (fixed, or usage with any price model) and
// billing threshold. The whole plan is sent as JSON; the server validates it and errors come back
// keyed by path, in words for a person (lib/catalog/plan-form-messages.ts), shown beside the input
// they name, and focus moves to the first. The form is submitted without React's form reset, so a
// failed save keeps every value as typed and every dropdown as chosen.
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";

type Tier = { up_to: string; unit_price: string; flat_amount: string };
type ChargeDraft = {
  type: "usage" | "fixed";
  name: string;
  meter: string;
  model: "per_unit" | "package" | "graduated" | "volume" | "group";
  unit_price: string;
  package_size: string;
  package_price: string;
  tiers: Tier[];
  group_by: string;
  prices: { value: string; price: string }[];
  included_quantity: string;
  amount: string;
  /** "" leaves usage_billing out (credits only, the default); kept as loaded so an untouched charge stays the same. */
  usage_billing: "" | "credits" | "both";
};
type LimitDraft = { meter: string; limit: string; enforcement: "soft" | "hard" };
/** A boolean grant's value is "true"/"false" in its select; a numeric one's is the typed number. */
type FeatureDraft = { feature: string; value: string };
/** A boolean or numeric feature the plan can grant (metered ones are the limits). */
export type FeatureOption = { key: string; name: string; kind: "boolean" | "numeric"; unit: string | null };
/** `drawsCredits`: the meter is linked to a credit event, so its usage spends credits (credit-meter links). */
export type MeterOption = { code: string; name: string; unit: string; groupBy: string[]; drawsCredits: boolean };
import type { FormActionFn } from "@/lib/http/action-state";
import type { Charge } from "@/lib/rating/types";

/** An existing plan as the editor loads it (decimals as strings, as the API shows them). */
export type PlanEditorInitial = {
  id: string;
  code: string;
  tier: string;
  name: string;
  description: string;
  interval: "month" | "year";
  currency: string;
  base_price: string;
  trial_days: number;
  included_credits: number;
  self_serve: boolean;
  limits: { meter: string; limit: number; enforcement: "soft" | "hard" }[];
  features: { feature: string; value: boolean | number }[];
  charges: Charge[];
  billing_threshold: string | null;
};

const MODELS = [
  { value: "per_unit", label: "Per unit" },
  { value: "package", label: "Package (partial packages round up)" },
  { value: "graduated", label: "Graduated tiers" },
  { value: "volume", label: "Volume tiers" },
  { value: "group", label: "Price by property value" },
] as const;

const blankCharge = (type: ChargeDraft["type"], meter = ""): ChargeDraft => ({
  type,
  name: type === "fixed" ? "Monthly fee" : "",
  meter,
  model: "per_unit",
  unit_price: "",
  package_size: "1000",
  package_price: "",
  tiers: [
    { up_to: "1000", unit_price: "0", flat_amount: "" },
    { up_to: "", unit_price: "", flat_amount: "" },
  ],
  group_by: "",
  prices: [{ value: "", price: "" }],
  included_quantity: "",
  amount: "",
  usage_billing: "",
});

function fromCharge(c: Charge): ChargeDraft {
  if (c.type === "fixed") return { ...blankCharge("fixed"), name: c.name, amount: c.amount };
  const base: ChargeDraft = {
    ...blankCharge("usage", c.meter),
    name: c.name ?? "",
    model: c.model,
    included_quantity: c.included_quantity ?? "",
    usage_billing: c.usage_billing ?? "",
  };
  switch (c.model) {
    case "per_unit":
      return { ...base, unit_price: c.unit_price };
    case "package":
      return { ...base, package_size: String(c.package_size), package_price: c.package_price };
    case "graduated":
    case "volume":
      return {
        ...base,
        tiers: c.tiers.map((t) => ({
          up_to: t.up_to === null ? "" : String(t.up_to),
          unit_price: t.unit_price,
          flat_amount: t.flat_amount ?? "",
        })),
      };
    case "group":
      return {
        ...base,
        group_by: c.group_by,
        prices: Object.entries(c.prices).map(([value, price]) => ({ value, price })),
      };
  }
}

function toCharge(c: ChargeDraft): Record<string, unknown> {
  if (c.type === "fixed") return { type: "fixed", name: c.name, amount: c.amount };
  const base: Record<string, unknown> = {
    type: "usage",
    meter: c.meter,
    ...(c.name && { name: c.name }),
    ...(c.included_quantity && { included_quantity: c.included_quantity }),
    ...(c.usage_billing && { usage_billing: c.usage_billing }),
    model: c.model,
  };
  switch (c.model) {
    case "per_unit":
      return { ...base, unit_price: c.unit_price };
    case "package":
      return { ...base, package_size: Number(c.package_size), package_price: c.package_price };
    case "graduated":
    case "volume":
      return {
        ...base,
        // An empty "up to" is an open tier (null); the server says which tier may be open.
        tiers: c.tiers.map((t) => ({
          up_to: t.up_to.trim() === "" ? null : Number(t.up_to),
          unit_price: t.unit_price,
          ...(t.flat_amount && { flat_amount: t.flat_amount }),
        })),
      };
    case "group":
      return {
        ...base,
        group_by: c.group_by,
        prices: Object.fromEntries(c.prices.filter((p) => p.value).map((p) => [p.value, p.price])),
      };
  }
}

const fieldId = (path: string) => `plan-${path.replace(/\W/g, "-")}`;

function Err({ errors, path }: { errors: Record<string, string>; path: string }) {
  const message = errors[path];
  return message ? (
    <p id={`${fieldId(path)}-error`} className="mt-1 text-xs text-red-600">
      {message}
    </p>
  ) : null;
}

/** An error about a whole list (tiers, prices): focusable so focus can land on it. */
function ListErr({ errors, path }: { errors: Record<string, string>; path: string }) {
  const message = errors[path];
  return message ? (
    <p tabIndex={-1} aria-invalid="true" className="mt-1 text-xs text-red-600 outline-none" data-list-error>
      {message}
    </p>
  ) : null;
}

/** `list` with its k-th item changed by `patch`. */
function patchAt<T>(list: T[], k: number, patch: Partial<T>): T[] {
  return list.map((x, j) => (j === k ? { ...x, ...patch } : x));
}

/** What ties an Input or Select to one field of a draft row: its value, its change, where its error shows. */
function bind<R, K extends keyof R & string>(
  row: R,
  key: K,
  at: string,
  errors: Record<string, string>,
  update: (patch: Partial<R>) => void,
) {
  return {
    value: row[key],
    onChange: (v: R[K]) => {
      const patch: Partial<R> = {};
      patch[key] = v;
      update(patch);
    },
    errors,
    path: at ? `${at}.${key}` : key,
  };
}

function Input({
  label,
  value,
  onChange,
  errors,
  path,
  className,
  ...rest
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors: Record<string, string>;
  path: string;
  className?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "onChange" | "value">) {
  const id = fieldId(path);
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={errors[path] ? true : undefined}
        aria-describedby={errors[path] ? `${id}-error` : undefined}
        className={cn(inputClass, "mt-1")}
        {...rest}
      />
      <Err errors={errors} path={path} />
    </div>
  );
}

function Select<T extends string>({
  label,
  value,
  onChange,
  options,
  errors,
  path,
  className,
}: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  options: readonly { value: T; label: string }[];
  errors: Record<string, string>;
  path: string;
  className?: string;
}) {
  const id = fieldId(path);
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
        aria-invalid={errors[path] ? true : undefined}
        aria-describedby={errors[path] ? `${id}-error` : undefined}
        className={cn(inputClass, "mt-1")}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Err errors={errors} path={path} />
    </div>
  );
}

export function PlanEditor({
  meters,
  features = [],
  action,
  initial,
}: {
  meters: MeterOption[];
  features?: FeatureOption[];
  action: FormActionFn<{ id: string }>;
  /** An existing plan: the editor saves it (its next version when terms change) instead of creating one. */
  initial?: PlanEditorInitial;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const [plan, setPlan] = useState({
    code: initial?.code ?? "",
    name: initial?.name ?? "",
    description: initial?.description ?? "",
    tier: initial?.tier ?? "",
    interval: initial?.interval ?? ("month" as "month" | "year"),
    currency: initial?.currency ?? "usd",
    base_price: initial?.base_price ?? "0.00",
    trial_days: String(initial?.trial_days ?? 0),
    included_credits: String(initial?.included_credits ?? 0),
    billing_threshold: initial?.billing_threshold ?? "",
  });
  const [selfServe, setSelfServe] = useState(initial?.self_serve ?? true);
  const [charges, setCharges] = useState<ChargeDraft[]>(() => (initial?.charges ?? []).map(fromCharge));
  const [limits, setLimits] = useState<LimitDraft[]>(() =>
    (initial?.limits ?? []).map((l) => ({ meter: l.meter, limit: String(l.limit), enforcement: l.enforcement })),
  );
  const [grants, setGrants] = useState<FeatureDraft[]>(() =>
    (initial?.features ?? []).map((g) => ({ feature: g.feature, value: String(g.value) })),
  );
  const featureByKey = new Map(features.map((f) => [f.key, f]));
  const grantField = <K extends keyof FeatureDraft & string>(i: number, key: K) =>
    bind(grants[i]!, key, `features.${i}`, errors, (patch) => setGrants((gs) => patchAt(gs, i, patch)));
  const featureOptionsWith = (key: string) => [
    { value: "", label: "Choose a feature…" },
    ...features.map((f) => ({ value: f.key, label: `${f.name} (${f.key})` })),
    ...(key && !featureByKey.has(key) ? [{ value: key, label: `${key} (archived)` }] : []),
  ];
  const grantValue = (g: FeatureDraft): boolean | number | string => {
    const kind = featureByKey.get(g.feature)?.kind;
    if (kind === "boolean" || g.value === "true" || g.value === "false") return g.value === "true";
    return g.value.trim() === "" ? g.value : Number(g.value);
  };
  // After a failed save, focus lands on the first field in error (or the message when no field is named).
  useEffect(() => {
    if (!state || state.ok) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (first ?? alertRef.current)?.focus();
  }, [state]);
  const drawsCredits = new Set(meters.filter((m) => m.drawsCredits).map((m) => m.code));
  // Meters are told apart by their code: two can share a display name.
  const meterOptions = [
    { value: "", label: "Choose a meter…" },
    ...meters.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` })),
  ];
  // A saved plan may name a meter no longer offered (archived): the dropdown shows it as it is, never another one.
  const optionsWith = (code: string) =>
    code && !meters.some((m) => m.code === code)
      ? [...meterOptions, { value: code, label: `${code} (archived)` }]
      : meterOptions;
  const planField = <K extends keyof typeof plan & string>(key: K) =>
    bind(plan, key, "", errors, (patch) => setPlan((p) => ({ ...p, ...patch })));
  const updateCharge = (i: number, patch: Partial<ChargeDraft>) => setCharges((cs) => patchAt(cs, i, patch));
  const chargeField = <K extends keyof ChargeDraft & string>(i: number, key: K) =>
    bind(charges[i]!, key, `charges.${i}`, errors, (patch) => updateCharge(i, patch));
  const tierField = (i: number, k: number, key: keyof Tier) =>
    bind(charges[i]!.tiers[k]!, key, `charges.${i}.tiers.${k}`, errors, (patch) =>
      updateCharge(i, { tiers: patchAt(charges[i]!.tiers, k, patch) }),
    );
  const limitField = <K extends keyof LimitDraft & string>(i: number, key: K) =>
    bind(limits[i]!, key, `limits.${i}`, errors, (patch) => setLimits((ls) => patchAt(ls, i, patch)));

  const payload = JSON.stringify({
    ...(initial ? { id: initial.id } : { code: plan.code, ...(plan.tier && { tier: plan.tier }) }),
    name: plan.name,
    description: plan.description,
    self_serve: selfServe,
    interval: plan.interval,
    currency: plan.currency,
    base_price: plan.base_price,
    trial_days: plan.trial_days.trim() === "" ? 0 : Number(plan.trial_days),
    included_credits: plan.included_credits.trim() === "" ? 0 : Number(plan.included_credits),
    limits: limits.map((l) => ({ meter: l.meter, limit: Number(l.limit), enforcement: l.enforcement })),
    features: grants.map((g) => ({ feature: g.feature, value: grantValue(g) })),
    charges: charges.map(toCharge),
    billing_threshold: plan.billing_threshold.trim() || null,
  });

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(e) => {
        // Not <form action>: React resets a form after its action runs, which would show reset
        // dropdowns over the state the payload still holds.
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => submit(data));
      }}
      className="space-y-6"
    >
      <input type="hidden" name="payload" value={payload} />
      {state && !state.ok && (
        <div
          ref={alertRef}
          tabIndex={-1}
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 outline-none ring-1 ring-inset ring-red-200"
        >
          {state.error}
        </div>
      )}
      <Card>
        <CardHeader
          title="Plan"
          description={
            initial
              ? "Saving a change to a billing term makes the next version; subscribers keep theirs until you move them."
              : "A new plan starts as a draft: no customer sees it until you put it on sale."
          }
        />
        <CardBody className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {initial ? (
            <div className="min-w-0">
              <p className="block text-xs font-medium text-zinc-600">Code</p>
              <p className="mt-1 truncate py-2 font-mono text-sm text-zinc-800">{initial.code}</p>
            </div>
          ) : (
            <Input
              label="Code"
              {...planField("code")}

              placeholder="voice-pro-monthly"
              required
            />
          )}
          <Input
            label="Name"
            {...planField("name")}

            placeholder="Voice Pro"
            required
          />
          {initial ? (
            <div className="min-w-0">
              <p className="block text-xs font-medium text-zinc-600">Tier (groups monthly and yearly)</p>
              <p className="mt-1 truncate py-2 font-mono text-sm text-zinc-800">{initial.tier}</p>
            </div>
          ) : (
            <Input
              label="Tier (groups monthly and yearly)"
              {...planField("tier")}

              placeholder="voice-pro"
            />
          )}
          <Select
            label="Billed"
            {...planField("interval")}
            options={[
              { value: "month", label: "Monthly" },
              { value: "year", label: "Yearly" },
            ]}
          />
          <Input
            label="Base price"
            {...planField("base_price")}

            inputMode="decimal"
          />
          <Input label="Currency" {...planField("currency")} />
          <Input
            label="Trial days"
            {...planField("trial_days")}

            inputMode="numeric"
          />
          <Input
            label="Included credits a month"
            {...planField("included_credits")}

            inputMode="numeric"
          />
          <Input
            label="Invoice mid-period at (optional)"
            {...planField("billing_threshold")}

            inputMode="decimal"
            placeholder="e.g. 500.00"
            aria-describedby="plan-billing-threshold-hint"
          />
          <p id="plan-billing-threshold-hint" className="text-xs text-zinc-500 sm:col-span-2 lg:col-span-3 lg:self-end">
            Billing threshold: when a subscriber’s unbilled usage reaches this amount, they are invoiced at once and the
            period-end invoice bills the rest. Leave empty to bill usage at period end only.
          </p>
          <Input
            label="Description"
            {...planField("description")}

            className="sm:col-span-2 lg:col-span-4"
          />
          <label className="flex items-start gap-2 text-sm text-zinc-700 sm:col-span-2 lg:col-span-4">
            <input
              type="checkbox"
              checked={selfServe}
              onChange={(e) => setSelfServe(e.target.checked)}
              className="mt-0.5 h-4 w-4 rounded border-zinc-300"
            />
            <span>
              Self-serve: customers can choose it in their plan picker while it is on sale (off for plans you assign,
              such as contracts).
            </span>
          </label>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Charges"
          description="Fixed amounts per period, and usage priced from a meter."
          action={
            <div className="flex gap-2">
              <Button
                type="button"
                variant="secondary"
                size="sm"
                onClick={() => setCharges((cs) => [...cs, blankCharge("usage", meters[0]?.code ?? "")])}
              >
                Add usage charge
              </Button>
              <Button
                type="button"
                variant="secondary"
                size="sm"
                onClick={() => setCharges((cs) => [...cs, blankCharge("fixed")])}
              >
                Add fixed charge
              </Button>
            </div>
          }
        />
        <CardBody className="space-y-4">
          {charges.length === 0 && (
            <p className="text-sm text-zinc-500">No charges: subscribers pay the base price only.</p>
          )}
          {charges.map((c, i) => (
            <fieldset key={i} className="rounded-lg border border-zinc-200 p-4">
              <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                Charge {i + 1}: {c.type === "fixed" ? "fixed" : "usage"}
              </legend>
              <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                {c.type === "fixed" ? (
                  <>
                    <Input label="Name" {...chargeField(i, "name")} />
                    <Input label="Amount per period" {...chargeField(i, "amount")} inputMode="decimal" />
                  </>
                ) : (
                  <>
                    <Select label="Meter" {...chargeField(i, "meter")} options={optionsWith(c.meter)} />
                    <Select label="Price model" {...chargeField(i, "model")} options={MODELS} />
                    <Input label="Name (optional)" {...chargeField(i, "name")} />
                    <Input
                      label="Included free each period"
                      {...chargeField(i, "included_quantity")}
                      inputMode="decimal"
                      placeholder="0"
                    />
                    {drawsCredits.has(c.meter) ? (
                      <Select
                        label="Usage billing"
                        value={c.usage_billing === "both" ? "both" : c.usage_billing}
                        onChange={(v) => updateCharge(i, { usage_billing: v })}
                        options={[
                          { value: c.usage_billing === "credits" ? "credits" : "", label: "Credits only" },
                          { value: "both", label: "Credits, and billed in arrears" },
                        ]}
                        errors={errors}
                        path={`charges.${i}.usage_billing`}
                      />
                    ) : (
                      <div className="min-w-0">
                        <p className="block text-xs font-medium text-zinc-600">Usage billing</p>
                        <p className="mt-1 py-2 text-sm text-zinc-700">
                          Billed in arrears
                          <span className="block text-xs text-zinc-500">This meter spends no credits.</span>
                        </p>
                      </div>
                    )}
                    {c.model === "per_unit" && (
                      <Input
                        label="Unit price"
                        {...chargeField(i, "unit_price")}
                        inputMode="decimal"
                        placeholder="0.05"
                      />
                    )}
                    {c.model === "package" && (
                      <>
                        <Input label="Units per package" {...chargeField(i, "package_size")} inputMode="numeric" />
                        <Input label="Package price" {...chargeField(i, "package_price")} inputMode="decimal" />
                      </>
                    )}
                    {c.model === "group" && <Input label="Property (e.g. model)" {...chargeField(i, "group_by")} />}
                  </>
                )}
              </div>
              {c.type === "usage" && (c.model === "graduated" || c.model === "volume") && (
                <div className="mt-4">
                  <p className="text-xs font-medium text-zinc-600">
                    {c.model === "graduated"
                      ? "Each unit is priced by the tier it falls in."
                      : "All units are priced by the tier the total falls in."}{" "}
                    Leave “up to” empty on the last tier.
                  </p>
                  <ListErr errors={errors} path={`charges.${i}.tiers`} />
                  {c.tiers.map((t, k) => (
                    <div key={k} className="mt-2 grid grid-cols-[1fr_1fr_1fr_auto] items-end gap-2">
                      <Input
                        label={`Tier ${k + 1} up to`}
                        {...tierField(i, k, "up_to")}
                        inputMode="numeric"
                        placeholder={k === c.tiers.length - 1 ? "∞" : ""}
                      />
                      <Input label="Unit price" {...tierField(i, k, "unit_price")} inputMode="decimal" />
                      <Input label="Flat fee (optional)" {...tierField(i, k, "flat_amount")} inputMode="decimal" />
                      <Button
                        type="button"
                        variant="ghost"
                        size="sm"
                        aria-label={`Remove tier ${k + 1}`}
                        disabled={c.tiers.length === 1}
                        onClick={() => updateCharge(i, { tiers: c.tiers.filter((_, j) => j !== k) })}
                      >
                        Remove
                      </Button>
                    </div>
                  ))}
                  <Button
                    type="button"
                    variant="secondary"
                    size="sm"
                    className="mt-2"
                    onClick={() =>
                      updateCharge(i, { tiers: [...c.tiers, { up_to: "", unit_price: "", flat_amount: "" }] })
                    }
                  >
                    Add tier
                  </Button>
                </div>
              )}
              {c.type === "usage" && c.model === "group" && (
                <div className="mt-4">
                  <ListErr errors={errors} path={`charges.${i}.prices`} />
                  {c.prices.map((p, k) => (
                    <div key={k} className="mt-2 grid grid-cols-[1fr_1fr_auto] items-end gap-2">
                      <Input
                        label="Value"
                        value={p.value}
                        onChange={(v) => updateCharge(i, { prices: patchAt(c.prices, k, { value: v }) })}
                        errors={errors}
                        path={`charges.${i}.prices.${k}.value`}
                        placeholder="gpt-4"
                      />
                      <Input
                        label="Unit price"
                        value={p.price}
                        onChange={(v) => updateCharge(i, { prices: patchAt(c.prices, k, { price: v }) })}
                        errors={errors}
                        path={`charges.${i}.prices.${p.value}`}
                        inputMode="decimal"
                        placeholder="0.00003"
                      />
                      <Button
                        type="button"
                        variant="ghost"
                        size="sm"
                        onClick={() => updateCharge(i, { prices: c.prices.filter((_, j) => j !== k) })}
                      >
                        Remove
                      </Button>
                    </div>
                  ))}
                  <Button
                    type="button"
                    variant="secondary"
                    size="sm"
                    className="mt-2"
                    onClick={() => updateCharge(i, { prices: [...c.prices, { value: "", price: "" }] })}
                  >
                    Add value
                  </Button>
                </div>
              )}
              <div className="mt-3 text-right">
                <Button
                  type="button"
                  variant="danger"
                  size="sm"
                  onClick={() => setCharges((cs) => cs.filter((_, j) => j !== i))}
                >
                  Remove charge
                </Button>
              </div>
            </fieldset>
          ))}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Limits"
          description="Cap a meter per period: hard limits refuse usage past the cap, soft limits alert and bill overage."
          action={
            <Button
              type="button"
              variant="secondary"
              size="sm"
              onClick={() =>
                setLimits((ls) => [...ls, { meter: meters[0]?.code ?? "", limit: "", enforcement: "hard" }])
              }
            >
              Add limit
            </Button>
          }
        />
        <CardBody className="space-y-2">
          {limits.length === 0 && <p className="text-sm text-zinc-500">No limits.</p>}
          {limits.map((l, i) => (
            <div key={i} className="grid grid-cols-[2fr_1fr_1fr_auto] items-end gap-2">
              <Select label="Meter" {...limitField(i, "meter")} options={optionsWith(l.meter)} />
              <Input
                label="Per period"
                {...limitField(i, "limit")}

                inputMode="numeric"
              />
              <Select
                label="Enforcement"
                {...limitField(i, "enforcement")}
                options={[
                  { value: "hard", label: "Hard" },
                  { value: "soft", label: "Soft" },
                ]}
              />
              <Button
                type="button"
                variant="ghost"
                size="sm"
                onClick={() => setLimits((ls) => ls.filter((_, j) => j !== i))}
              >
                Remove
              </Button>
            </div>
          ))}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Features"
          description="What the plan grants besides its limits: on/off features (SSO) and numbers (seats). Your backend checks them through the entitlements API (see API docs)."
          action={
            <Button
              type="button"
              variant="secondary"
              size="sm"
              disabled={features.length === 0}
              onClick={() => {
                const next = features.find((f) => !grants.some((g) => g.feature === f.key)) ?? features[0];
                setGrants((gs) => [...gs, { feature: next?.key ?? "", value: next?.kind === "numeric" ? "" : "true" }]);
              }}
            >
              Add feature
            </Button>
          }
        />
        <CardBody className="space-y-2">
          {features.length === 0 && grants.length === 0 && (
            <p className="text-sm text-zinc-500">
              No features in the catalog yet: create them under Catalog → Features, then grant them here.
            </p>
          )}
          {features.length > 0 && grants.length === 0 && <p className="text-sm text-zinc-500">No features granted.</p>}
          <ListErr errors={errors} path="features" />
          {grants.map((g, i) => {
            const kind = featureByKey.get(g.feature)?.kind ?? "boolean";
            return (
              <div key={i} className="grid grid-cols-[2fr_1fr_auto] items-end gap-2">
                <Select
                  label="Feature"
                  {...grantField(i, "feature")}
                  onChange={(feature) =>
                    setGrants((gs) =>
                      patchAt(gs, i, {
                        feature,
                        value: featureByKey.get(feature)?.kind === "numeric" ? "" : "true",
                      }),
                    )
                  }
                  options={featureOptionsWith(g.feature)}
                />
                {kind === "numeric" ? (
                  <Input
                    label={`Value${featureByKey.get(g.feature)?.unit ? ` (${featureByKey.get(g.feature)!.unit}s)` : ""}`}
                    {...grantField(i, "value")}
                    inputMode="numeric"
                  />
                ) : (
                  <Select
                    label="Value"
                    {...grantField(i, "value")}
                    options={[
                      { value: "true", label: "Included" },
                      { value: "false", label: "Not included" },
                    ]}
                  />
                )}
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove feature ${g.feature || i + 1}`}
                  onClick={() => setGrants((gs) => gs.filter((_, j) => j !== i))}
                >
                  Remove
                </Button>
              </div>
            );
          })}
        </CardBody>
      </Card>

      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {initial ? (pending ? "Saving…" : "Save plan") : pending ? "Creating…" : "Create draft"}
        </Button>
      </div>
    </form>
  );
}
