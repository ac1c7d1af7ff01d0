"use client";
// Stripe's Embedded Checkout inside Tally's page: Stripe.js mounts the session (by its client
// secret) in a dialog; paying takes the buyer to the session's return URL, where the billing page
// reads how it went. If Stripe.js cannot load, or cannot mount the session, `onUnavailable` opens
// Stripe's hosted page instead.
import { useEffect, useRef, useState } from "react";
import type { Stripe } from "@stripe/stripe-js";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { loadStripeJs } from "./stripe-js";

export type EmbeddedCheckoutSession = { clientSecret: string; publishableKey: string };

/** Stripe.js before the endive release names it initEmbeddedCheckout. */
type AnyStripe = Stripe & { initEmbeddedCheckout?: Stripe["createEmbeddedCheckoutPage"] };

export function EmbeddedCheckout({
  session,
  onClose,
  onUnavailable,
}: {
  session: EmbeddedCheckoutSession;
  onClose: () => void;
  onUnavailable: () => void;
}) {
  const mountAt = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let gone = false;
    let checkout: { destroy: () => void } | null = null;
    loadStripeJs(session.publishableKey)
      .then(async (loaded) => {
        const stripe = loaded as AnyStripe;
        const create = stripe.createEmbeddedCheckoutPage?.bind(stripe) ?? stripe.initEmbeddedCheckout?.bind(stripe);
        if (!create) throw new Error("Stripe.js offers no Embedded Checkout");
        const c = await create({ clientSecret: session.clientSecret });
        if (gone) return c.destroy();
        checkout = c;
        c.mount(mountAt.current!);
        setReady(true);
      })
      .catch(() => {
        if (!gone) onUnavailable();
      });
    return () => {
      gone = true;
      checkout?.destroy();
    };
  }, [session]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Dialog title="Checkout" onClose={onClose} className="max-w-2xl">
      {!ready && (
        <p role="status" className="py-6 text-center text-zinc-500">
          Loading Stripe&apos;s secure checkout…
        </p>
      )}
      <div ref={mountAt} data-testid="embedded-checkout" className="min-h-0" />
      <div className="mt-4 flex justify-end">
        <Button type="button" variant="secondary" onClick={onClose}>
          Close without paying
        </Button>
      </div>
    </Dialog>
  );
}
