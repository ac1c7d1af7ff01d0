"use client";
// Plans with a monthly/yearly switch. Without a subscription a plan opens checkout; with one, a
// plan change is previewed (what is charged now, or when it takes effect) and confirmed.
import { useActionState, useEffect, useRef, useState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import type { CheckoutAnswer, PlanChangePreviewJson } from "@/lib/payments/schemas";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { FormError, inputClass } from "@/components/ui/field";
import { formatDate, formatInteger, formatMoney } from "@/lib/format";
import { useCheckout } from "./use-checkout";
import { RemovedAddonsNote } from "./removed-addons-note";

export type PlanOption = { id: string; code?: string; priceCents: number; currency: string; trialDays: number };
export type TierOption = {
  tier: string;
  name: string;
  description: string;
  includedCredits: number;
  limit: string | null;
  features?: string[];
  month?: PlanOption;
  year?: PlanOption;
};
type Preview = PlanChangePreviewJson;

export function PlanPicker({
  tiers,
  currentPlanId,
  currentInterval,
  canManage,
  checkoutAction,
  previewAction,
  changeAction,
  chosenCode = null,
}: {
  tiers: TierOption[];
  /** A plan chosen on the public pricing page (?plan=code): its interval shows first and its card is marked. */
  chosenCode?: string | null;
  currentPlanId: string | null;
  currentInterval: "month" | "year" | null;
  canManage: boolean;
  checkoutAction: FormActionFn<CheckoutAnswer>;
  previewAction: FormActionFn<Preview>;
  changeAction: FormActionFn<Preview>;
}) {
  const chosenInterval = !chosenCode
    ? null
    : tiers.some((t) => t.year?.code === chosenCode)
      ? "year"
      : tiers.some((t) => t.month?.code === chosenCode)
        ? "month"
        : null;
  const [interval, setInterval] = useState<"month" | "year">(chosenInterval ?? currentInterval ?? "month");
  // A promotion code goes with whichever plan is chosen next: into the checkout or the confirmed change.
  const [promotionCode, setPromotionCode] = useState("");
  const codeField = promotionCode.trim() ? (
    <input type="hidden" name="promotion_code" value={promotionCode.trim()} />
  ) : null;
  const {
    state: checkout,
    submit: startCheckout,
    busy: checkingOut,
    panel: checkoutPanel,
  } = useCheckout(checkoutAction);
  const [preview, runPreview, previewing] = useActionState(previewAction, null);
  const [change, confirmChange, changing] = useActionState(changeAction, null);
  // The preview being answered (confirmed or declined) is hidden; a new preview shows again.
  const [answered, setAnswered] = useState<Preview | null>(null);

  const outcome = useRef<HTMLParagraphElement>(null);
  // The "Switch to …" button that asked for the preview: focus goes back to it when the answer is "keep".
  const asked = useRef<HTMLButtonElement | null>(null);

  // The outcome of a confirmed change takes focus, so it is seen and heard where the user is.
  useEffect(() => {
    if (change?.ok) {
      outcome.current?.focus();
      outcome.current?.scrollIntoView({ block: "nearest" });
    }
  }, [change]);

  const pending = preview?.ok && preview.data !== answered ? preview.data : null;
  const error =
    (checkout && !checkout.ok && checkout.error) ||
    (preview && !preview.ok && preview.error) ||
    (change && !change.ok && change.error) ||
    null;
  const errorBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) {
      errorBox.current?.focus();
      errorBox.current?.scrollIntoView({ block: "nearest" });
    }
  }, [checkout, preview, change]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <div role="radiogroup" aria-label="Billing interval" className="inline-flex rounded-lg bg-zinc-100 p-1 text-sm">
          {(["month", "year"] as const).map((i) => (
            <button
              key={i}
              type="button"
              role="radio"
              aria-checked={interval === i}
              onClick={() => setInterval(i)}
              className={cn(
                "rounded-md px-3 py-1.5 font-medium",
                interval === i ? "bg-white text-zinc-900 shadow-sm" : "text-zinc-600 hover:text-zinc-900",
              )}
            >
              {i === "month" ? "Monthly" : "Yearly (2 months free)"}
            </button>
          ))}
        </div>
        {!canManage && <p className="text-sm text-zinc-500">Only the organization&apos;s owner can change the plan.</p>}
      </div>
      {canManage && (
        <div className="flex max-w-sm flex-col gap-1 text-sm">
          <label htmlFor="promotion-code" className="font-medium text-zinc-700">
            Promotion code
          </label>
          <input
            id="promotion-code"
            value={promotionCode}
            onChange={(e) => setPromotionCode(e.target.value)}
            autoComplete="off"
            maxLength={64}
            placeholder="Optional"
            aria-describedby="promotion-code-hint"
            className={inputClass}
          />
          <p id="promotion-code-hint" className="text-xs text-zinc-500">
            Applied to the plan you choose or switch to next.
          </p>
        </div>
      )}
      {checkoutPanel}
      <div ref={errorBox} tabIndex={-1} className="outline-none">
        <FormError message={error} />
      </div>
      {change?.ok && (
        <p
          ref={outcome}
          tabIndex={-1}
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200 outline-none"
        >
          {change.message}
        </p>
      )}
      {pending && (
        <Dialog title="Confirm plan change" onClose={() => setAnswered(pending)} returnFocusTo={asked}>
          <p>
            {pending.effective === "now" ? (
              <>
                Switch to <strong>{pending.new_plan.name}</strong> now. You will be charged{" "}
                <strong data-testid="proration-amount">
                  {formatMoney(pending.amount_due_now_cents, pending.currency)}
                </strong>{" "}
                today for the rest of this period.
              </>
            ) : (
              <>
                Switch to <strong>{pending.new_plan.name}</strong> on {formatDate(pending.effective_at)}, when your
                current period ends. Nothing is charged today.
              </>
            )}
            {promotionCode.trim() && (
              <> Promotion code {promotionCode.trim().toUpperCase()} applies from your next invoice.</>
            )}
          </p>
          <RemovedAddonsNote preview={pending} />
          <form
            action={confirmChange}
            onSubmit={() => setAnswered(pending)}
            className="mt-4 flex flex-wrap justify-end gap-2"
          >
            <input type="hidden" name="plan_id" value={pending.new_plan.id} />
            {codeField}
            <Button type="button" variant="secondary" onClick={() => setAnswered(pending)}>
              Keep my plan
            </Button>
            <Button type="submit" data-autofocus disabled={changing}>
              Confirm
            </Button>
          </form>
        </Dialog>
      )}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-4">
        {tiers.map((t) => {
          const option = t[interval];
          if (!option) return null;
          const current = option.id === currentPlanId;
          const chosen = !current && chosenCode !== null && option.code === chosenCode;
          return (
            <div
              key={t.tier}
              className={cn(
                "flex flex-col rounded-xl border bg-white p-5 shadow-sm",
                current || chosen ? "border-brand-500 ring-1 ring-brand-500" : "border-zinc-200",
              )}
              data-chosen={chosen || undefined}
            >
              {chosen && <p className="mb-1 text-xs font-medium text-brand-700">Your choice on the pricing page</p>}
              <h3 className="font-semibold text-zinc-900">{t.name}</h3>
              <p className="tabular mt-2 text-2xl font-semibold text-zinc-900">
                {formatMoney(option.priceCents, option.currency)}
                <span className="text-sm font-normal text-zinc-500"> / {interval}</span>
              </p>
              <p className="mt-2 flex-1 text-sm text-zinc-600">{t.description}</p>
              <ul className="mt-3 space-y-1 text-xs text-zinc-600">
                {t.limit && <li>{t.limit}</li>}
                {t.features?.map((f) => (
                  <li key={f}>{f}</li>
                ))}
                <li>{formatInteger(t.includedCredits)} credits a month</li>
                {option.trialDays > 0 && !currentPlanId && <li>{option.trialDays}-day free trial</li>}
              </ul>
              <div className="mt-4">
                {current ? (
                  <span className="inline-flex w-full justify-center rounded-md bg-brand-50 px-3 py-2 text-sm font-medium text-brand-700">
                    Current plan
                  </span>
                ) : currentPlanId ? (
                  <form action={runPreview}>
                    <input type="hidden" name="plan_id" value={option.id} />
                    <Button
                      type="submit"
                      variant="secondary"
                      className="w-full"
                      disabled={!canManage || previewing}
                      onClick={(e) => {
                        asked.current = e.currentTarget;
                      }}
                      aria-label={`Switch to ${t.name} (${interval === "month" ? "monthly" : "yearly"})`}
                    >
                      Switch to {t.name}
                    </Button>
                  </form>
                ) : (
                  <form action={startCheckout}>
                    <input type="hidden" name="plan_id" value={option.id} />
                    {codeField}
                    <Button
                      type="submit"
                      className="w-full"
                      disabled={!canManage || checkingOut}
                      aria-label={`Choose ${t.name} (${interval === "month" ? "monthly" : "yearly"})`}
                    >
                      {checkingOut ? "Opening checkout…" : option.trialDays > 0 ? "Start free trial" : "Choose plan"}
                    </Button>
                  </form>
                )}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
