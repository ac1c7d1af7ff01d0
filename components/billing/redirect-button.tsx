"use client";
// Runs a server action that answers where to go (the payment portal, a checkout) and goes there, or
// opens Stripe's Embedded Checkout in the page when the answer carries one (use-checkout.tsx).
import type { FormActionFn } from "@/lib/http/action-state";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { useCheckout, type PayAnswer } from "./use-checkout";

export function RedirectButton<T extends PayAnswer>({
  action,
  label,
  variant = "secondary",
  fields = {},
}: {
  action: FormActionFn<T>;
  label: string;
  variant?: ButtonVariant;
  fields?: Record<string, string>;
}) {
  const { submit, busy, error, panel } = useCheckout(action);
  return (
    <>
      <form action={submit} className="inline-flex flex-wrap items-center gap-2">
        {Object.entries(fields).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        {error && (
          <span role="alert" className="text-xs text-red-600">
            {error}
          </span>
        )}
        <Button type="submit" variant={variant} disabled={busy}>
          {busy ? "Opening…" : label}
        </Button>
      </form>
      {panel}
    </>
  );
}
