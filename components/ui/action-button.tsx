"use client";
// A one-button form for a server action (archive, activate, revoke…), with its error shown beside it.
import { useActionState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button, type ButtonVariant } from "./button";

export function ActionButton<T>({
  action,
  fields,
  label,
  pendingLabel,
  variant = "secondary",
  size = "md",
  ariaLabel,
}: {
  action: FormActionFn<T>;
  fields: Record<string, string>;
  label: string;
  pendingLabel?: string;
  variant?: ButtonVariant;
  size?: "sm" | "md";
  ariaLabel?: string;
}) {
  const [state, submit, pending] = useActionState(action, null);
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
      <Button type="submit" variant={variant} size={size} disabled={pending} aria-label={ariaLabel}>
        {pending ? (pendingLabel ?? `${label}…`) : label}
      </Button>
    </form>
  );
}
