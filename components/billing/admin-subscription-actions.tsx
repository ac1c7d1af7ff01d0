"use client";
// The admin's actions on a customer's subscription: move it to another plan (previewed, then
// confirmed in a dialog), cancel it at period end or now (each confirmed), or resume it. Every
// outcome is announced and takes focus.
import { useActionState, useEffect, useRef, useState } from "react";
import { ActionButton, type ActionButtonProps } from "@/components/ui/action-button";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, inputClass } from "@/components/ui/field";
import { formatDate, formatMoney } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";
import type { PlanChangePreviewJson as PlanChangePreview } from "@/lib/payments/schemas";
import { RemovedAddonsNote } from "./removed-addons-note";

export function AdminChangePlan({
  orgId,
  plans,
  previewAction,
  changeAction,
}: {
  orgId: string;
  plans: { id: string; label: string }[];
  previewAction: FormActionFn<PlanChangePreview>;
  changeAction: FormActionFn<PlanChangePreview>;
}) {
  const [preview, runPreview, previewing] = useActionState(previewAction, null);
  const [change, confirmChange, changing] = useActionState(changeAction, null);
  const [answered, setAnswered] = useState<PlanChangePreview | null>(null);
  // Controlled: React resets a form after its action runs, and an emptied "required" select would
  // stop the next "Review change" (after "Keep the current plan") before it is sent.
  const [planId, setPlanId] = useState("");
  const review = useRef<HTMLButtonElement | null>(null);
  const outcome = useRef<HTMLParagraphElement>(null);
  const pending = preview?.ok && preview.data !== answered ? preview.data : null;
  const error = (preview && !preview.ok && preview.error) || (change && !change.ok && change.error) || null;
  useEffect(() => {
    if (change || (preview && !preview.ok)) outcome.current?.focus();
  }, [change, preview]);
  if (plans.length === 0)
    return <p className="text-sm text-zinc-500">No other self-serve plan is on sale in this currency.</p>;
  return (
    <div className="space-y-3">
      <form action={runPreview} className="flex flex-wrap items-end gap-2" aria-label="Change plan">
        <input type="hidden" name="org_id" value={orgId} />
        <div className="min-w-56 flex-1">
          <label htmlFor="admin-change-plan" className="block text-sm font-medium text-zinc-700">
            New plan
          </label>
          <select
            id="admin-change-plan"
            name="plan_id"
            className={`${inputClass} mt-1`}
            required
            value={planId}
            onChange={(e) => setPlanId(e.target.value)}
          >
            <option value="" disabled>
              Choose a plan
            </option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <Button
          type="submit"
          onClick={(e) => {
            review.current = e.currentTarget;
          }}
          variant="secondary"
          disabled={previewing}
          aria-haspopup="dialog"
        >
          {previewing ? "Working out the change…" : "Review change"}
        </Button>
      </form>
      {error ? (
        <div ref={outcome} tabIndex={-1} className="outline-none">
          <FormError message={error} />
        </div>
      ) : change?.ok ? (
        <p ref={outcome} tabIndex={-1} role="status" className="text-sm text-emerald-700 outline-none">
          {change.message}
        </p>
      ) : null}
      {pending && (
        <Dialog title="Change this customer's plan?" onClose={() => setAnswered(pending)} returnFocusTo={review}>
          <p>
            {pending.current_plan.name} → <strong>{pending.new_plan.name}</strong>.{" "}
            {pending.effective === "now" ? (
              <>
                It applies now, and the customer&apos;s payment method is charged{" "}
                <strong data-testid="admin-proration">
                  {formatMoney(pending.amount_due_now_cents, pending.currency)}
                </strong>{" "}
                for the rest of this period.
              </>
            ) : (
              <>
                It applies on <strong>{formatDate(pending.effective_at)}</strong>, when the current period ends. Nothing
                is charged today.
              </>
            )}
          </p>
          <RemovedAddonsNote preview={pending} who="the" />
          <form
            action={confirmChange}
            onSubmit={() => setAnswered(pending)}
            className="mt-4 flex flex-wrap justify-end gap-2"
          >
            <input type="hidden" name="org_id" value={orgId} />
            <input type="hidden" name="plan_id" value={pending.new_plan.id} />
            <Button type="button" variant="secondary" onClick={() => setAnswered(pending)}>
              Keep the current plan
            </Button>
            <Button type="submit" data-autofocus disabled={changing}>
              Change plan
            </Button>
          </form>
        </Dialog>
      )}
    </div>
  );
}

export function AdminCancelButtons<T>({
  orgId,
  planName,
  periodEnd,
  cancelAtPeriodEnd,
  ended,
  action,
}: {
  orgId: string;
  planName: string;
  periodEnd: string;
  cancelAtPeriodEnd: boolean;
  /** The subscription has ended: no action is left, but the one just taken keeps its outcome on screen. */
  ended: boolean;
  action: FormActionFn<T>;
}) {
  // The three actions differ only in when the subscription ends and what they say about it.
  const button = (when: "resume" | "period_end" | "now", props: Omit<ActionButtonProps<T>, "action" | "fields">) => (
    <ActionButton action={action} fields={{ org_id: orgId, when }} finished={ended} {...props} />
  );
  return (
    <div className="flex flex-wrap items-center gap-2">
      {cancelAtPeriodEnd
        ? button("resume", { label: "Resume subscription" })
        : button("period_end", {
            label: "Cancel at period end",
            variant: "danger",
            confirm: {
              title: "Cancel at the end of the period?",
              body: (
                <p>
                  {planName} stays active until <strong>{formatDate(periodEnd)}</strong>, then the subscription ends and
                  nothing more is charged. It can be resumed until then.
                </p>
              ),
              confirmLabel: "Cancel at period end",
              keepLabel: "Keep the subscription",
            },
          })}
      {button("now", {
        label: "Cancel now",
        variant: "danger",
        confirm: {
          title: "End the subscription now?",
          body: (
            <>
              <p>
                {planName} ends <strong>immediately</strong>: the customer loses access now and the plan fee is not
                refunded.
              </p>
              <p>The usage of the period so far is billed once, on a final invoice. This cannot be undone.</p>
            </>
          ),
          confirmLabel: "End it now",
          keepLabel: "Keep the subscription",
        },
      })}
    </div>
  );
}
