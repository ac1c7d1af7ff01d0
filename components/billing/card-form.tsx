"use client";
// Adding or replacing a card in the page, with Stripe: a SetupIntent (server action), Stripe.js's
// Payment Element mounted on its client secret, confirmed here, then Tally re-reads the SetupIntent
// and makes the card the default (finishAction; the setup_intent.succeeded webhook does the same).
// A bank that needs its own page sends the customer back to /billing?card=return, where the
// setup_intent.succeeded webhook has made (or soon makes) the card the default.
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import type { Stripe, StripeElements } from "@stripe/stripe-js";
import type { FormActionFn } from "@/lib/http/action-state";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { loadStripeJs, STRIPE_JS_UNAVAILABLE } from "./stripe-js";

type Setup = { clientSecret: string; publishableKey: string };

export function CardForm({
  hasCard,
  startAction,
  finishAction,
}: {
  hasCard: boolean;
  startAction: FormActionFn<Setup>;
  finishAction: FormActionFn<{ brand: string; last4: string }>;
}) {
  const [setup, start, starting] = useActionState(startAction, null);
  const [finish, runFinish, finishing] = useActionState(finishAction, null);
  // Each SetupIntent answered gets its own form: closed by Cancel or once its card is saved.
  const [closedFor, setClosedFor] = useState<unknown>(null);
  const [savedFor, setSavedFor] = useState<unknown>(null);
  const [loaded, setLoaded] = useState<{ for: unknown; error: string | null } | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const mountAt = useRef<HTMLDivElement>(null);
  const stripe = useRef<{ stripe: Stripe; elements: StripeElements } | null>(null);
  const current = setup?.ok ? setup.data : null;
  const open = current !== null && closedFor !== current && !(finish?.ok && savedFor === current);
  const ready = loaded?.for === current && !loaded.error;
  const error = (loaded?.for === current ? loaded.error : null) ?? confirmError;

  useEffect(() => {
    if (!current) return;
    let gone = false;
    let element: { destroy: () => void } | null = null;
    loadStripeJs(current.publishableKey)
      .then((s) => {
        if (gone || !mountAt.current) return;
        const elements = s.elements({ clientSecret: current.clientSecret });
        const payment = elements.create("payment");
        payment.mount(mountAt.current);
        element = payment;
        stripe.current = { stripe: s, elements };
        setLoaded({ for: current, error: null });
      })
      .catch(() => {
        if (!gone)
          setLoaded({ for: current, error: `${STRIPE_JS_UNAVAILABLE} “Manage payment methods” above opens it.` });
      });
    return () => {
      gone = true;
      element?.destroy();
      stripe.current = null;
    };
  }, [current]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!stripe.current) return;
    setConfirming(true);
    setConfirmError(null);
    const r = await stripe.current.stripe.confirmSetup({
      elements: stripe.current.elements,
      redirect: "if_required",
      confirmParams: { return_url: `${window.location.origin}/billing?card=return` },
    });
    setConfirming(false);
    if (r.error) return setConfirmError(r.error.message ?? "The card was refused; check it or try another.");
    setSavedFor(current);
    const form = new FormData();
    form.set("setup_intent", r.setupIntent.id);
    startTransition(() => runFinish(form));
  }

  const busy = confirming || finishing;
  return (
    <div className="mt-4 space-y-3">
      {finish?.ok && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {finish.message}
        </p>
      )}
      <FormError message={(finish && !finish.ok && finish.error) || (setup && !setup.ok && setup.error) || null} />
      {!open ? (
        <form action={start} onSubmit={() => setConfirmError(null)}>
          <Button type="submit" variant="secondary" disabled={starting}>
            {starting ? "Opening the card form…" : hasCard ? "Replace card" : "Add a card"}
          </Button>
        </form>
      ) : (
        <form onSubmit={save} className="space-y-3" aria-label="Card details">
          {!ready && !error && (
            <p role="status" className="text-sm text-zinc-500">
              Loading Stripe&apos;s card form…
            </p>
          )}
          <div ref={mountAt} data-testid="payment-element" />
          <FormError message={error} />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={!ready || busy}>
              {busy ? "Saving…" : "Save card"}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setClosedFor(current)} disabled={busy}>
              Cancel
            </Button>
          </div>
          <p className="text-xs text-zinc-500">
            Your card details go to Stripe, never to Tally. The saved card pays your invoices and top-ups from now on.
          </p>
        </form>
      )}
    </div>
  );
}
