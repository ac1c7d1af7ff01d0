"use server";
// The customer's webhook endpoints, for its owner: the same lib functions as /api/v1/webhook-endpoints,
// scoped to the owner's organization (another customer's endpoint or delivery is "not found").
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

const BASE = "/webhook-endpoints";
const scopeOf = (owner: { orgId: string }): EndpointScope => ({ kind: "customer", orgId: owner.orgId });

export const createCustomerEndpoint = formAction(
  ZEndpointCreateForm,
  async (input, owner) => {
    const e = await createEndpoint(owner.orgId, input);
    revalidatePath(BASE);
    return { id: e.id, url: e.url, secret: e.secret };
  },
  { auth: "owner" },
);

export const updateCustomerEndpointEvents = formAction(
  ZEndpointEventsForm,
  async ({ id, eventTypes }, owner) => {
    const e = await updateEndpoint(scopeOf(owner), id, { eventTypes });
    revalidatePath(`${BASE}/${id}`);
    return { id: e.id, eventTypes: e.eventTypes };
  },
  {
    auth: "owner",
    message: (d) => (d.eventTypes.length ? `Saved: ${d.eventTypes.length} event types.` : "Saved: every event type."),
  },
);

export const setCustomerEndpointEnabled = formAction(
  ZEndpointEnabledForm,
  async ({ id, enabled }, owner) => {
    const e = await updateEndpoint(scopeOf(owner), id, { enabled: enabled === "true" });
    revalidatePath(`${BASE}/${id}`);
    revalidatePath(BASE);
    return { id: e.id, status: e.status };
  },
  {
    auth: "owner",
    message: (d) =>
      d.status === "enabled"
        ? "Enabled: waiting deliveries are sent now."
        : "Disabled: nothing is sent until you enable it.",
  },
);

export const rotateCustomerEndpointSecret = formAction(
  ZEndpointIdForm,
  async ({ id }, owner) => {
    const e = await rotateSecret(scopeOf(owner), id);
    revalidatePath(`${BASE}/${id}`);
    return { id: e.id, secret: e.secret, previousExpiresAt: e.previousSecretExpiresAt!.toISOString() };
  },
  { auth: "owner" },
);

export const deleteCustomerEndpoint = formAction(
  ZEndpointIdForm,
  async ({ id }, owner) => {
    await deleteEndpoint(scopeOf(owner), id);
    revalidatePath(BASE);
    redirect(`${BASE}?deleted=1`);
  },
  { auth: "owner" },
);

export const sendCustomerTestEvent = formAction(
  ZEndpointIdForm,
  async ({ id }, owner) => {
    const d = await sendTestEvent(scopeOf(owner), id);
    revalidatePath(`${BASE}/${id}`);
    return { id: d.id };
  },
  { auth: "owner", message: () => "Test event queued: it shows in the delivery log within seconds." },
);

export const replayCustomerDelivery = formAction(
  ZEndpointIdForm,
  async ({ id }, owner) => {
    const d = await replayDelivery(scopeOf(owner), id);
    revalidatePath(`${BASE}/${d.endpointId}`);
    return { id: d.id, endpointId: d.endpointId };
  },
  { auth: "owner", message: () => "Replayed: a new delivery (same webhook-id) is in the log." },
);
