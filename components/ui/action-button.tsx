"use client";
// A one-button form for a server action (archive, activate, revoke…), with its outcome shown beside
// it. With `confirm`, the button first opens a dialog that says what will happen; the action runs
// only from there. The outcome (the action's message or error) takes focus, so a keyboard or
// screen-reader user hears what changed.
import { useActionState, useEffect, useRef, useState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";

export type Confirm = { title: string; body: React.ReactNode; confirmLabel: string; keepLabel?: string };

export type ActionButtonProps<T> = {
  action: FormActionFn<T>;
  fields: Record<string, string>;
  label: string;
  pendingLabel?: string;
  variant?: ButtonVariant;
  size?: "sm" | "md";
  ariaLabel?: string;
  confirm?: Confirm;
  /** What it acts on is gone (a subscription that ended): the button goes, its last outcome stays in focus. */
  finished?: boolean;
};

export function ActionButton<T>({
  action,
  fields,
  label,
  pendingLabel,
  variant = "secondary",
  size = "md",
  ariaLabel,
  confirm,
  finished = false,
}: ActionButtonProps<T>) {
  const [state, submit, pending] = useActionState(action, null);
  const [asking, setAsking] = useState(false);
  const outcome = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (state && (!state.ok || state.message)) outcome.current?.focus();
  }, [state]);
  const hidden = Object.entries(fields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />);
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      {state && !state.ok && (
        <span ref={outcome} tabIndex={-1} role="alert" className="text-xs text-red-600 outline-none">
          {state.error}
        </span>
      )}
      {state?.ok && state.message && (
        <span ref={outcome} tabIndex={-1} role="status" className="text-xs text-emerald-700 outline-none">
          {state.message}
        </span>
      )}
      {finished ? null : confirm ? (
        <>
          <Button
            type="button"
            variant={variant}
            size={size}
            aria-label={ariaLabel}
            aria-haspopup="dialog"
            onClick={() => setAsking(true)}
          >
            {pending ? (pendingLabel ?? `${label}…`) : label}
          </Button>
          {asking && (
            <Dialog title={confirm.title} onClose={() => setAsking(false)}>
              <div className="space-y-2">{confirm.body}</div>
              <form action={submit} onSubmit={() => setAsking(false)} className="mt-4 flex flex-wrap justify-end gap-2">
                {hidden}
                <Button type="button" variant="secondary" onClick={() => setAsking(false)}>
                  {confirm.keepLabel ?? "Cancel"}
                </Button>
                <Button type="submit" variant={variant === "danger" ? "danger" : "primary"}>
                  {confirm.confirmLabel}
                </Button>
              </form>
            </Dialog>
          )}
        </>
      ) : (
        <form action={submit} className="inline-flex">
          {hidden}
          <Button type="submit" variant={variant} size={size} disabled={pending} aria-label={ariaLabel}>
            {pending ? (pendingLabel ?? `${label}…`) : label}
          </Button>
        </form>
      )}
    </span>
  );
}
