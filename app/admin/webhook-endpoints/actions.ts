"use server";
// Webhook endpoints for the platform admin: the installation's own (created here, receiving every
// customer's events) and, opened from a customer's page, a customer's. Declared in
// lib/outbound-webhooks/endpoint-actions.ts.
import { customerEndpointCreateAction, endpointActions } from "@/lib/outbound-webhooks/endpoint-actions";

const actions = endpointActions({
  auth: "admin",
  base: "/admin/webhook-endpoints",
  scopeOf: () => ({ kind: "operator" }),
  ownerOf: () => null,
});

export const createInstallationEndpoint = actions.create;
export const updateAdminEndpointEvents = actions.updateEvents;
export const setAdminEndpointEnabled = actions.setEnabled;
export const rotateAdminEndpointSecret = actions.rotate;
export const deleteAdminEndpoint = actions.remove;
export const sendAdminTestEvent = actions.sendTest;
export const replayAdminDelivery = actions.replay;
export const createEndpointForCustomer = customerEndpointCreateAction;
