"use client";
// What an owner (or the admin) does to one endpoint: send a test event, disable or enable it, rotate
// its secret (the new one shown once; the old one keeps signing for 24 hours), change its event
// types, delete it. Each outcome takes focus where it is shown.
import { useActionState, useEffect, useRef, useState } from "react";
import { ActionButton } from "@/components/ui/action-button";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import type { FormActionFn } from "@/lib/http/action-state";
import { formatDateTime } from "@/lib/format";
import { EventTypeChoices } from "./event-type-choices";
import { SecretBanner } from "./secret-banner";

export type EndpointActions = {
  test: FormActionFn<{ id: string }>;
  setEnabled: FormActionFn<{ id: string; status: "enabled" | "disabled" }>;
  rotate: FormActionFn<{ id: string; secret: string; previousExpiresAt: string }>;
  remove: FormActionFn<never>;
  events: FormActionFn<{ id: string; eventTypes: string[] }>;
};

export function EndpointButtons({
  endpoint,
  actions,
}: {
  endpoint: { id: string; url: string; status: string };
  actions: EndpointActions;
}) {
  return (
    <>
      {endpoint.status === "enabled" && (
        <ActionButton action={actions.test} fields={{ id: endpoint.id }} label="Send test event" variant="primary" />
      )}
      {endpoint.status === "enabled" ? (
        <ActionButton
          action={actions.setEnabled}
          fields={{ id: endpoint.id, enabled: "false" }}
          label="Disable"
          confirm={{
            title: "Disable this endpoint?",
            body: (
              <p>
                Nothing is sent to it while it is disabled, and new events are not queued for it. Enable it again to
                resume the deliveries already waiting.
              </p>
            ),
            confirmLabel: "Disable endpoint",
            keepLabel: "Keep it on",
          }}
        />
      ) : (
        <ActionButton
          action={actions.setEnabled}
          fields={{ id: endpoint.id, enabled: "true" }}
          label="Enable"
          variant="primary"
        />
      )}
      <ActionButton
        action={actions.remove}
        fields={{ id: endpoint.id }}
        label="Delete"
        variant="danger"
        confirm={{
          title: "Delete this endpoint?",
          body: (
            <p>
              <span className="break-all font-mono text-xs">{endpoint.url}</span> stops receiving events at once, and
              its delivery log is deleted with it. This cannot be undone.
            </p>
          ),
          confirmLabel: "Delete endpoint",
          keepLabel: "Keep it",
        }}
      />
    </>
  );
}

export function RotateSecretCard({
  endpointId,
  action,
  previousExpiresAt,
}: {
  endpointId: string;
  action: EndpointActions["rotate"];
  /** Set while the secret before the last rotation still signs. */
  previousExpiresAt: string | null;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const [asking, setAsking] = useState(false);
  return (
    <Card>
      <CardHeader
        title="Signing secret"
        description="Shown only when the endpoint is added and when the secret is rotated."
        action={
          <Button
            type="button"
            variant="secondary"
            size="sm"
            aria-haspopup="dialog"
            disabled={pending}
            onClick={() => setAsking(true)}
          >
            {pending ? "Rotating…" : "Rotate secret"}
          </Button>
        }
      />
      <div className="space-y-3 px-5 py-4 text-sm text-zinc-700">
        {state?.ok ? (
          <SecretBanner secret={state.data.secret}>
            <p className="font-medium">New secret. Copy it now: it will not be shown again.</p>
            <p className="mt-1">
              The old secret also signs every request until {formatDateTime(state.data.previousExpiresAt)} (24 hours):
              requests carry two signatures, so switch your receiver to the new secret before then.
            </p>
          </SecretBanner>
        ) : previousExpiresAt ? (
          <p>
            Rotated: the previous secret also signs until {formatDateTime(previousExpiresAt)}; after that only the new
            one does.
          </p>
        ) : (
          <p>Rotating makes a new secret; the old one keeps working for 24 hours so your receiver can switch.</p>
        )}
        {state && !state.ok && <FormError message={state.error} />}
      </div>
      {asking && (
        <Dialog title="Rotate the signing secret?" onClose={() => setAsking(false)}>
          <p>
            A new secret is made and shown once. For 24 hours both the old and the new secret sign every request, then
            only the new one does: update your receiver within a day.
          </p>
          <form action={submit} onSubmit={() => setAsking(false)} className="mt-4 flex flex-wrap justify-end gap-2">
            <input type="hidden" name="id" value={endpointId} />
            <Button type="button" variant="secondary" onClick={() => setAsking(false)}>
              Cancel
            </Button>
            <Button type="submit">Rotate secret</Button>
          </form>
        </Dialog>
      )}
    </Card>
  );
}

export function EventTypesForm({
  endpointId,
  selected,
  action,
}: {
  endpointId: string;
  selected: string[];
  action: EndpointActions["events"];
}) {
  const [state, submit, pending] = useActionState(action, null);
  const outcome = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state?.ok) outcome.current?.focus();
  }, [state]);
  return (
    <form action={submit} className="space-y-4 px-5 py-4">
      <input type="hidden" name="id" value={endpointId} />
      <EventTypeChoices idPrefix={`edit-${endpointId}`} selected={state?.ok ? state.data.eventTypes : selected} />
      {state && !state.ok && <FormError message={state.error} />}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save event types"}
        </Button>
        {state?.ok && (
          <p ref={outcome} tabIndex={-1} role="status" className="text-sm text-emerald-700 outline-none">
            {state.message}
          </p>
        )}
      </div>
    </form>
  );
}
