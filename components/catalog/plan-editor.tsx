"use client";
// Creates a plan: its terms, limits and charges (fixed, or usage with any price model). The whole
// plan is sent as JSON; the server validates it and errors come back keyed by path, shown beside
// the input they name.
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, inputClass } from "@/components/ui/field";
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
};
type LimitDraft = { meter: string; limit: string; enforcement: "soft" | "hard" };
export type MeterOption = { code: string; name: string; unit: string; groupBy: string[] };
import type { FormActionFn } from "@/lib/http/action-state";

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
});

function toCharge(c: ChargeDraft): Record<string, unknown> {
  if (c.type === "fixed") return { type: "fixed", name: c.name, amount: c.amount };
  const base: Record<string, unknown> = {
    type: "usage",
    meter: c.meter,
    ...(c.name && { name: c.name }),
    ...(c.included_quantity && { included_quantity: c.included_quantity }),
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
        tiers: c.tiers.map((t, i) => ({
          up_to: i === c.tiers.length - 1 && t.up_to === "" ? null : Number(t.up_to),
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

function Err({ errors, path }: { errors: Record<string, string>; path: string }) {
  const message = errors[path];
  return message ? <p className="mt-1 text-xs text-red-600">{message}</p> : null;
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
  const id = `plan-${path.replace(/\W/g, "-")}`;
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
  const id = `plan-${path.replace(/\W/g, "-")}`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} className={cn(inputClass, "mt-1")}>
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

export function PlanEditor({ meters, action }: { meters: MeterOption[]; action: FormActionFn<{ id: string }> }) {
  const [state, submit, pending] = useActionState(action, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const [plan, setPlan] = useState({
    code: "",
    name: "",
    description: "",
    tier: "",
    interval: "month" as "month" | "year",
    currency: "usd",
    base_price: "0.00",
    trial_days: "0",
    included_credits: "0",
  });
  const [charges, setCharges] = useState<ChargeDraft[]>([]);
  const [limits, setLimits] = useState<LimitDraft[]>([]);
  const meterOptions = [
    { value: "", label: "Choose a meter…" },
    ...meters.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` })),
  ];
  const set = (k: keyof typeof plan) => (v: string) => setPlan((p) => ({ ...p, [k]: v }));
  const updateCharge = (i: number, patch: Partial<ChargeDraft>) =>
    setCharges((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));

  const payload = JSON.stringify({
    code: plan.code,
    name: plan.name,
    description: plan.description,
    ...(plan.tier && { tier: plan.tier }),
    interval: plan.interval,
    currency: plan.currency,
    base_price: plan.base_price,
    trial_days: Number(plan.trial_days || 0),
    included_credits: Number(plan.included_credits || 0),
    limits: limits.map((l) => ({ meter: l.meter, limit: Number(l.limit), enforcement: l.enforcement })),
    charges: charges.map(toCharge),
  });

  return (
    <form action={submit} className="space-y-6">
      <input type="hidden" name="payload" value={payload} />
      <FormError message={state && !state.ok ? state.error : undefined} />
      <Card>
        <CardHeader
          title="Plan"
          description="A change to any billing term later makes a new version; subscribers keep the version they joined."
        />
        <CardBody className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Input
            label="Code"
            value={plan.code}
            onChange={set("code")}
            errors={errors}
            path="code"
            placeholder="voice-pro-monthly"
            required
          />
          <Input
            label="Name"
            value={plan.name}
            onChange={set("name")}
            errors={errors}
            path="name"
            placeholder="Voice Pro"
            required
          />
          <Input
            label="Tier (groups monthly and yearly)"
            value={plan.tier}
            onChange={set("tier")}
            errors={errors}
            path="tier"
            placeholder="voice-pro"
          />
          <Select
            label="Billed"
            value={plan.interval}
            onChange={set("interval")}
            options={[
              { value: "month", label: "Monthly" },
              { value: "year", label: "Yearly" },
            ]}
            errors={errors}
            path="interval"
          />
          <Input
            label="Base price"
            value={plan.base_price}
            onChange={set("base_price")}
            errors={errors}
            path="base_price"
            inputMode="decimal"
          />
          <Input label="Currency" value={plan.currency} onChange={set("currency")} errors={errors} path="currency" />
          <Input
            label="Trial days"
            value={plan.trial_days}
            onChange={set("trial_days")}
            errors={errors}
            path="trial_days"
            inputMode="numeric"
          />
          <Input
            label="Included credits a month"
            value={plan.included_credits}
            onChange={set("included_credits")}
            errors={errors}
            path="included_credits"
            inputMode="numeric"
          />
          <Input
            label="Description"
            value={plan.description}
            onChange={set("description")}
            errors={errors}
            path="description"
            className="sm:col-span-2 lg:col-span-4"
          />
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
                    <Input
                      label="Name"
                      value={c.name}
                      onChange={(v) => updateCharge(i, { name: v })}
                      errors={errors}
                      path={`charges.${i}.name`}
                    />
                    <Input
                      label="Amount per period"
                      value={c.amount}
                      onChange={(v) => updateCharge(i, { amount: v })}
                      errors={errors}
                      path={`charges.${i}.amount`}
                      inputMode="decimal"
                    />
                  </>
                ) : (
                  <>
                    <Select
                      label="Meter"
                      value={c.meter}
                      onChange={(v) => updateCharge(i, { meter: v })}
                      options={meterOptions}
                      errors={errors}
                      path={`charges.${i}.meter`}
                    />
                    <Select
                      label="Price model"
                      value={c.model}
                      onChange={(v) => updateCharge(i, { model: v })}
                      options={MODELS}
                      errors={errors}
                      path={`charges.${i}.model`}
                    />
                    <Input
                      label="Name (optional)"
                      value={c.name}
                      onChange={(v) => updateCharge(i, { name: v })}
                      errors={errors}
                      path={`charges.${i}.name`}
                    />
                    <Input
                      label="Included free each period"
                      value={c.included_quantity}
                      onChange={(v) => updateCharge(i, { included_quantity: v })}
                      errors={errors}
                      path={`charges.${i}.included_quantity`}
                      inputMode="decimal"
                      placeholder="0"
                    />
                    {c.model === "per_unit" && (
                      <Input
                        label="Unit price"
                        value={c.unit_price}
                        onChange={(v) => updateCharge(i, { unit_price: v })}
                        errors={errors}
                        path={`charges.${i}.unit_price`}
                        inputMode="decimal"
                        placeholder="0.05"
                      />
                    )}
                    {c.model === "package" && (
                      <>
                        <Input
                          label="Units per package"
                          value={c.package_size}
                          onChange={(v) => updateCharge(i, { package_size: v })}
                          errors={errors}
                          path={`charges.${i}.package_size`}
                          inputMode="numeric"
                        />
                        <Input
                          label="Package price"
                          value={c.package_price}
                          onChange={(v) => updateCharge(i, { package_price: v })}
                          errors={errors}
                          path={`charges.${i}.package_price`}
                          inputMode="decimal"
                        />
                      </>
                    )}
                    {c.model === "group" && (
                      <Input
                        label="Property (e.g. model)"
                        value={c.group_by}
                        onChange={(v) => updateCharge(i, { group_by: v })}
                        errors={errors}
                        path={`charges.${i}.group_by`}
                      />
                    )}
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
                  <Err errors={errors} path={`charges.${i}.tiers`} />
                  {c.tiers.map((t, k) => (
                    <div key={k} className="mt-2 grid grid-cols-[1fr_1fr_1fr_auto] items-end gap-2">
                      <Input
                        label={`Tier ${k + 1} up to`}
                        value={t.up_to}
                        onChange={(v) =>
                          updateCharge(i, { tiers: c.tiers.map((x, j) => (j === k ? { ...x, up_to: v } : x)) })
                        }
                        errors={errors}
                        path={`charges.${i}.tiers.${k}.up_to`}
                        inputMode="numeric"
                        placeholder={k === c.tiers.length - 1 ? "∞" : ""}
                      />
                      <Input
                        label="Unit price"
                        value={t.unit_price}
                        onChange={(v) =>
                          updateCharge(i, { tiers: c.tiers.map((x, j) => (j === k ? { ...x, unit_price: v } : x)) })
                        }
                        errors={errors}
                        path={`charges.${i}.tiers.${k}.unit_price`}
                        inputMode="decimal"
                      />
                      <Input
                        label="Flat fee (optional)"
                        value={t.flat_amount}
                        onChange={(v) =>
                          updateCharge(i, { tiers: c.tiers.map((x, j) => (j === k ? { ...x, flat_amount: v } : x)) })
                        }
                        errors={errors}
                        path={`charges.${i}.tiers.${k}.flat_amount`}
                        inputMode="decimal"
                      />
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
                      updateCharge(i, {
                        tiers: [
                          ...c.tiers.slice(0, -1),
                          { up_to: "", unit_price: "", flat_amount: "" },
                          ...c.tiers.slice(-1),
                        ],
                      })
                    }
                  >
                    Add tier
                  </Button>
                </div>
              )}
              {c.type === "usage" && c.model === "group" && (
                <div className="mt-4">
                  <Err errors={errors} path={`charges.${i}.prices`} />
                  {c.prices.map((p, k) => (
                    <div key={k} className="mt-2 grid grid-cols-[1fr_1fr_auto] items-end gap-2">
                      <Input
                        label="Value"
                        value={p.value}
                        onChange={(v) =>
                          updateCharge(i, { prices: c.prices.map((x, j) => (j === k ? { ...x, value: v } : x)) })
                        }
                        errors={errors}
                        path={`charges.${i}.prices.${k}.value`}
                        placeholder="gpt-4"
                      />
                      <Input
                        label="Unit price"
                        value={p.price}
                        onChange={(v) =>
                          updateCharge(i, { prices: c.prices.map((x, j) => (j === k ? { ...x, price: v } : x)) })
                        }
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
              <Select
                label="Meter"
                value={l.meter}
                onChange={(v) => setLimits((ls) => ls.map((x, j) => (j === i ? { ...x, meter: v } : x)))}
                options={meterOptions}
                errors={errors}
                path={`limits.${i}.meter`}
              />
              <Input
                label="Per period"
                value={l.limit}
                onChange={(v) => setLimits((ls) => ls.map((x, j) => (j === i ? { ...x, limit: v } : x)))}
                errors={errors}
                path={`limits.${i}.limit`}
                inputMode="numeric"
              />
              <Select
                label="Enforcement"
                value={l.enforcement}
                onChange={(v) => setLimits((ls) => ls.map((x, j) => (j === i ? { ...x, enforcement: v } : x)))}
                options={[
                  { value: "hard", label: "Hard" },
                  { value: "soft", label: "Soft" },
                ]}
                errors={errors}
                path={`limits.${i}.enforcement`}
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

      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create plan"}
        </Button>
      </div>
    </form>
  );
}
