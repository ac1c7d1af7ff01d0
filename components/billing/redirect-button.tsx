"use client";
// Runs a server action that answers a URL (the payment portal, a checkout) and goes there.
import { useActionState, useEffect } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button, type ButtonVariant } from "@/components/ui/button";

export function RedirectButton({
  action,
  label,
  variant = "secondary",
  fields = {},
}: {
  action: FormActionFn<{ url: string }>;
  label: string;
  variant?: ButtonVariant;
  fields?: Record<string, string>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) window.location.assign(state.data.url);
  }, [state]);
  return (
    <form action={submit} className="inline-flex items-center gap-2">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {state && !state.ok && (
        <span role="alert" className="text-xs text-red-600">
          {state.error}
        </span>
      )}
      <Button type="submit" variant={variant} disabled={pending || state?.ok}>
        {pending || state?.ok ? "Opening…" : label}
      </Button>
    </form>
  );
}
