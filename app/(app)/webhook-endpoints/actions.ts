"use server";
// The customer's webhook endpoints, for its owner: scoped to the owner's organization (another
// customer's endpoint or delivery is "not found"). Declared in lib/outbound-webhooks/endpoint-actions.ts.
import { endpointActions } from "@/lib/outbound-webhooks/endpoint-actions";

const actions = endpointActions({
  auth: "owner",
  base: "/webhook-endpoints",
  scopeOf: (owner) => ({ kind: "customer", orgId: owner.orgId }),
  ownerOf: (owner) => owner.orgId,
});

export const createCustomerEndpoint = actions.create;
export const updateCustomerEndpointEvents = actions.updateEvents;
export const setCustomerEndpointEnabled = actions.setEnabled;
export const rotateCustomerEndpointSecret = actions.rotate;
export const deleteCustomerEndpoint = actions.remove;
export const sendCustomerTestEvent = actions.sendTest;
export const replayCustomerDelivery = actions.replay;
