"use client";
import { useActionState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";

export function SandboxPayForm<T>({
  session,
  label,
  payAction,
  cancelAction,
}: {
  session: string;
  label: string;
  payAction: FormActionFn<T>;
  cancelAction: FormActionFn<T>;
}) {
  const [state, pay, paying] = useActionState(payAction, null);
  const [, cancel, canceling] = useActionState(cancelAction, null);
  return (
    <div className="space-y-4">
      <form action={pay} className="space-y-4">
        <input type="hidden" name="session" value={session} />
        {state && !state.ok && !state.fieldErrors && <FormError message={state.error} />}
        <Field
          label="Card number"
          name="card_number"
          defaultValue={
            state && !state.ok ? (state.values?.card_number ?? "4242 4242 4242 4242") : "4242 4242 4242 4242"
          }
          inputMode="numeric"
          autoComplete="cc-number"
          error={state && !state.ok ? state.fieldErrors?.card_number : undefined}
        />
        <div className="grid grid-cols-2 gap-3">
          <Field
            label="Expiry"
            name="expiry"
            defaultValue={state && !state.ok ? (state.values?.expiry ?? "12 / 30") : "12 / 30"}
            placeholder="MM / YY"
            autoComplete="cc-exp"
            error={state && !state.ok ? state.fieldErrors?.expiry : undefined}
          />
          <Field label="CVC" name="cvc" defaultValue="123" autoComplete="cc-csc" />
        </div>
        <Button type="submit" className="w-full" disabled={paying}>
          {paying ? "Processing…" : label}
        </Button>
      </form>
      <form action={cancel} className="text-center">
        <input type="hidden" name="session" value={session} />
        <button type="submit" disabled={canceling} className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
          Cancel and return to Tally
        </button>
      </form>
    </div>
  );
}
