// The server actions of the webhook endpoint pages, declared once: the owner's (scoped to their
// organization, under /webhook-endpoints) and the admin's (the installation's and any customer's, under
// /admin/webhook-endpoints) differ only in who may call them, whose endpoints they reach and where the
// pages live. The same lib functions as /api/v1/webhook-endpoints. The "use server" modules export these.
import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formAction, type ActionAuth, type UserFor } from "@/lib/http/action";
import {
  createEndpoint,
  deleteEndpoint,
  replayDelivery,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
  type EndpointScope,
} from "./endpoints";
import { notFound } from "@/lib/http/errors";
import { findOrganization } from "@/lib/orgs/organizations";
import {
  ZCustomerEndpointCreateForm,
  ZEndpointCreateForm,
  ZEndpointEnabledForm,
  ZEndpointEventsForm,
  ZEndpointIdForm,
} from "./schemas";

export function endpointActions<A extends ActionAuth>(opts: {
  auth: A;
  /** Where the list page lives; an endpoint's page is `${base}/${id}`. */
  base: string;
  /** Whose endpoints the caller reaches. */
  scopeOf: (user: UserFor<A>) => EndpointScope;
  /** Whose a new endpoint is: an organization's id, or null for the installation's. */
  ownerOf: (user: UserFor<A>) => string | null;
}) {
  const { auth, base, scopeOf, ownerOf } = opts;
  return {
    create: formAction(
      ZEndpointCreateForm,
      async (input, user) => {
        const e = await createEndpoint(ownerOf(user), input);
        revalidatePath(base);
        return { id: e.id, url: e.url, secret: e.secret };
      },
      { auth },
    ),
    updateEvents: formAction(
      ZEndpointEventsForm,
      async ({ id, eventTypes }, user) => {
        const e = await updateEndpoint(scopeOf(user), id, { eventTypes });
        revalidatePath(`${base}/${id}`);
        return { id: e.id, eventTypes: e.eventTypes };
      },
      {
        auth,
        message: (d) =>
          d.eventTypes.length ? `Saved: ${d.eventTypes.length} event types.` : "Saved: every event type.",
      },
    ),
    setEnabled: formAction(
      ZEndpointEnabledForm,
      async ({ id, enabled }, user) => {
        const e = await updateEndpoint(scopeOf(user), id, { enabled: enabled === "true" });
        revalidatePath(`${base}/${id}`);
        revalidatePath(base);
        return { id: e.id, status: e.status };
      },
      {
        auth,
        message: (d) =>
          d.status === "enabled"
            ? "Enabled: waiting deliveries are sent now."
            : "Disabled: nothing is sent until you enable it.",
      },
    ),
    rotate: formAction(
      ZEndpointIdForm,
      async ({ id }, user) => {
        const e = await rotateSecret(scopeOf(user), id);
        revalidatePath(`${base}/${id}`);
        return { id: e.id, secret: e.secret, previousExpiresAt: e.previousSecretExpiresAt!.toISOString() };
      },
      { auth },
    ),
    remove: formAction(
      ZEndpointIdForm,
      async ({ id }, user) => {
        await deleteEndpoint(scopeOf(user), id);
        revalidatePath(base);
        redirect(`${base}?deleted=1`);
      },
      { auth },
    ),
    sendTest: formAction(
      ZEndpointIdForm,
      async ({ id }, user) => {
        const d = await sendTestEvent(scopeOf(user), id);
        revalidatePath(`${base}/${id}`);
        return { id: d.id };
      },
      { auth, message: () => "Test event queued: it shows in the delivery log within seconds." },
    ),
    replay: formAction(
      ZEndpointIdForm,
      async ({ id }, user) => {
        const d = await replayDelivery(scopeOf(user), id);
        revalidatePath(`${base}/${d.endpointId}`);
        return { id: d.id, endpointId: d.endpointId };
      },
      { auth, message: () => "Replayed: a new delivery (same webhook-id) is in the log." },
    ),
  };
}

/**
 * The admin adds an endpoint for a customer from its page: the customer's, as if its owner had added
 * it (a customer's URL rules apply: no private addresses unless the installation allows them).
 */
export const customerEndpointCreateAction = formAction(
  ZCustomerEndpointCreateForm,
  async (input) => {
    const org = await findOrganization({ id: input.customerId });
    if (!org) throw notFound("Customer");
    const e = await createEndpoint(org.id, input);
    revalidatePath(`/admin/customers/${org.id}`);
    return { id: e.id, url: e.url, secret: e.secret };
  },
  { auth: "admin" },
);
