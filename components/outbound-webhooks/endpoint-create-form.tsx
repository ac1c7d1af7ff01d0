"use client";
// Add an endpoint: its URL, a description and the event types; the secret is shown once, after.
import Link from "next/link";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import { EventTypeChoices } from "./event-type-choices";
import { SecretBanner } from "./secret-banner";

export type CreatedEndpoint = { id: string; url: string; secret: string };

export function EndpointCreateForm({
  action,
  base,
  urlHint,
  hidden,
}: {
  action: FormActionFn<CreatedEndpoint>;
  /** Where endpoint pages live: "/webhook-endpoints" or "/admin/webhook-endpoints". */
  base: string;
  urlHint: string;
  /** Fields sent with the form as they are (the customer an admin adds an endpoint for). */
  hidden?: Record<string, string>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  // A fresh form after each success (the browser keeps nothing of the last endpoint's choices).
  const [formKey, setFormKey] = useState(0);
  const [shown, setShown] = useState<string | null>(null);
  if (state?.ok && shown !== state.data.id) {
    setShown(state.data.id);
    setFormKey((k) => k + 1);
  }
  const failed = state && !state.ok ? state : null;
  return (
    <div className="space-y-4 px-5 py-4">
      {state?.ok && (
        <SecretBanner secret={state.data.secret}>
          <p className="font-medium">Endpoint added. Copy its signing secret now: it will not be shown again.</p>
          <p className="mt-1">
            Verify each request&apos;s <code className="font-mono text-xs">webhook-signature</code> with it (Standard
            Webhooks).{" "}
            <Link href={`${base}/${state.data.id}`} className="font-medium underline">
              Open the endpoint
            </Link>{" "}
            to send a test event.
          </p>
        </SecretBanner>
      )}
      <form key={formKey} action={submit} className="space-y-4">
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
          <Field
            label="URL"
            name="url"
            type="url"
            inputMode="url"
            placeholder="https://example.com/webhooks/tally"
            required
            maxLength={2000}
            hint={urlHint}
            defaultValue={failed?.values?.url}
            error={failed?.fieldErrors?.url}
          />
          <Field
            label="Description (optional)"
            name="description"
            placeholder="e.g. Production billing sync"
            maxLength={500}
            defaultValue={failed?.values?.description}
            error={failed?.fieldErrors?.description}
          />
        </div>
        <EventTypeChoices
          idPrefix="new-endpoint"
          selected={Object.keys(failed?.values ?? {})
            .filter((k) => k.startsWith("event:"))
            .map((k) => k.slice(6))}
        />
        {failed && !failed.fieldErrors?.url && !failed.fieldErrors?.description && <FormError message={failed.error} />}
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
    </div>
  );
}
