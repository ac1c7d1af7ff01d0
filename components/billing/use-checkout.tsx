"use client";
// Runs a server action that answers where to pay: a URL to go to (hosted Checkout, the sandbox, an
// invoice, the payment portal), or Stripe's Embedded Checkout to mount in place. When Stripe.js
// cannot load, the same request is sent again asking for Stripe's hosted page (ui=hosted).
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import type { FormActionFn } from "@/lib/http/action-state";
import { EmbeddedCheckout, type EmbeddedCheckoutSession } from "./embedded-checkout";

export type PayAnswer = { url: string | null; embedded?: EmbeddedCheckoutSession | null };

export function useCheckout<T extends PayAnswer>(action: FormActionFn<T>) {
  const [state, dispatch, pending] = useActionState(action, null);
  // The embedded session answered is shown until closed (or given up for the hosted page).
  const [closed, setClosed] = useState<EmbeddedCheckoutSession | null>(null);
  const [fellBack, setFellBack] = useState(false);
  const last = useRef<FormData | null>(null);
  const embedded = state?.ok ? (state.data.embedded ?? null) : null;
  const open = embedded && embedded !== closed ? embedded : null;
  useEffect(() => {
    if (state?.ok && !state.data.embedded && state.data.url) window.location.assign(state.data.url);
  }, [state]);
  const submit = (form: FormData) => {
    last.current = form;
    setFellBack(false);
    dispatch(form);
  };
  const hosted = () => {
    setClosed(open);
    setFellBack(true);
    const form = new FormData();
    for (const [k, v] of last.current ?? []) form.set(k, v);
    form.set("ui", "hosted");
    startTransition(() => dispatch(form));
  };
  const leaving = Boolean(state?.ok && !state.data.embedded);
  return {
    state,
    submit,
    /** Busy: the action runs, or the browser is on its way to the page it answered. */
    busy: pending || leaving,
    error: state && !state.ok ? state.error : null,
    panel: (
      <>
        {fellBack && (
          <span role="status" className="text-xs text-zinc-600">
            Stripe&apos;s in-page checkout could not load; opening Stripe&apos;s checkout page instead…
          </span>
        )}
        {open && <EmbeddedCheckout session={open} onClose={() => setClosed(open)} onUnavailable={hosted} />}
      </>
    ),
  };
}
