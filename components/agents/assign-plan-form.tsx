"use client";
import { useActionState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button } from "@/components/ui/button";
import { FormError, inputClass } from "@/components/ui/field";

export function AssignPlanForm<T>({
  agentId,
  currentPlanId,
  plans,
  action,
}: {
  agentId: string;
  currentPlanId: string | null;
  plans: { id: string; label: string }[];
  action: FormActionFn<T>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="space-y-3 border-t border-zinc-100 pt-4">
      <input type="hidden" name="agent_id" value={agentId} />
      <div>
        <label htmlFor="assign-plan" className="block text-sm font-medium text-zinc-700">
          Assign plan
        </label>
        <select id="assign-plan" name="plan_id" defaultValue={currentPlanId ?? ""} className={`${inputClass} mt-1`}>
          <option value="">No plan</option>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="assign-comments" className="block text-sm font-medium text-zinc-700">
          Comments
        </label>
        <input id="assign-comments" name="comments" placeholder="Why the change" className={`${inputClass} mt-1`} />
      </div>
      {state && !state.ok && <FormError message={state.error} />}
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save plan"}
      </Button>
    </form>
  );
}
