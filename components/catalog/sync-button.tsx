"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";

import type { FormActionFn } from "@/lib/http/action-state";

export function SyncButton<T>({ action, configured }: { action: FormActionFn<T>; configured: boolean }) {
  const [state, submit, pending] = useActionState(action, null);
  if (!configured)
    return (
      <p className="max-w-xs text-right text-xs text-zinc-500">
        Stripe sync is available when STRIPE_SECRET_KEY is set.
      </p>
    );
  return (
    <form action={submit} className="flex items-center gap-3">
      {state && (
        <p role="status" className={state.ok ? "text-xs text-emerald-700" : "text-xs text-red-600"}>
          {state.ok ? state.message : state.error}
        </p>
      )}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Syncing…" : "Sync from Stripe"}
      </Button>
    </form>
  );
}
