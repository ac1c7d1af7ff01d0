"use server";
// Webhook endpoints for the platform admin: the installation's own (created here, receiving every
// customer's events) and, opened from a customer's page, a customer's. The same lib functions as the API.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formAction } from "@/lib/http/action";
import type { EndpointScope } from "@/lib/outbound-webhooks/endpoints";
import {
  createEndpoint,
  deleteEndpoint,
  replayDelivery,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from "@/lib/outbound-webhooks/endpoints";
import {
  ZEndpointCreateForm,
  ZEndpointEnabledForm,
  ZEndpointEventsForm,
  ZEndpointIdForm,
} from "@/lib/outbound-webhooks/schemas";

const BASE = "/admin/webhook-endpoints";
const scope: EndpointScope = { kind: "operator" };

export const createInstallationEndpoint = formAction(
  ZEndpointCreateForm,
  async (input) => {
    const e = await createEndpoint(null, input);
    revalidatePath(BASE);
    return { id: e.id, url: e.url, secret: e.secret };
  },
  { auth: "admin" },
);

export const updateAdminEndpointEvents = formAction(
  ZEndpointEventsForm,
  async ({ id, eventTypes }) => {
    const e = await updateEndpoint(scope, id, { eventTypes });
    revalidatePath(`${BASE}/${id}`);
    return { id: e.id, eventTypes: e.eventTypes };
  },
  {
    auth: "admin",
    message: (d) => (d.eventTypes.length ? `Saved: ${d.eventTypes.length} event types.` : "Saved: every event type."),
  },
);

export const setAdminEndpointEnabled = formAction(
  ZEndpointEnabledForm,
  async ({ id, enabled }) => {
    const e = await updateEndpoint(scope, id, { enabled: enabled === "true" });
    revalidatePath(`${BASE}/${id}`);
    revalidatePath(BASE);
    return { id: e.id, status: e.status };
  },
  {
    auth: "admin",
    message: (d) =>
      d.status === "enabled"
        ? "Enabled: waiting deliveries are sent now."
        : "Disabled: nothing is sent until you enable it.",
  },
);

export const rotateAdminEndpointSecret = formAction(
  ZEndpointIdForm,
  async ({ id }) => {
    const e = await rotateSecret(scope, id);
    revalidatePath(`${BASE}/${id}`);
    return { id: e.id, secret: e.secret, previousExpiresAt: e.previousSecretExpiresAt!.toISOString() };
  },
  { auth: "admin" },
);

export const deleteAdminEndpoint = formAction(
  ZEndpointIdForm,
  async ({ id }) => {
    await deleteEndpoint(scope, id);
    revalidatePath(BASE);
    redirect(`${BASE}?deleted=1`);
  },
  { auth: "admin" },
);

export const sendAdminTestEvent = formAction(
  ZEndpointIdForm,
  async ({ id }) => {
    const d = await sendTestEvent(scope, id);
    revalidatePath(`${BASE}/${id}`);
    return { id: d.id };
  },
  { auth: "admin", message: () => "Test event queued: it shows in the delivery log within seconds." },
);

export const replayAdminDelivery = formAction(
  ZEndpointIdForm,
  async ({ id }) => {
    const d = await replayDelivery(scope, id);
    revalidatePath(`${BASE}/${d.endpointId}`);
    return { id: d.id, endpointId: d.endpointId };
  },
  { auth: "admin", message: () => "Replayed: a new delivery (same webhook-id) is in the log." },
);
