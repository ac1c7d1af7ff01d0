import { assertCanManageBilling, isCustomer } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { billingDetailsJson, getBillingDetails, updateBillingDetails } from "@/lib/invoices/billing-details";
import { ZBillingDetailsJson, ZBillingDetailsPatch, ZBillingDetailsQuery } from "@/lib/invoices/party-schemas";

export const GET = route(
  {
    path: "/api/v1/billing/details",
    auth: "any",
    query: ZBillingDetailsQuery,
    customer: "query",
    doc: {
      tag: "Billing",
      response: ZBillingDetailsJson,
      summary: "The customer's billing name, address, country and tax ids, as invoices name the buyer",
    },
  },
  async ({ customerId }) => billingDetailsJson(customerId, await getBillingDetails(customerId)),
);

export const PATCH = route(
  {
    path: "/api/v1/billing/details",
    auth: "any",
    body: ZBillingDetailsPatch,
    customer: "body",
    doc: {
      tag: "Billing",
      response: ZBillingDetailsJson,
      summary: "Change the customer's billing details (only the fields sent; tax_ids replaces the list)",
      description:
        "Tax ids are checked by kind: eu_vat (member state prefix and its format), gb_vat, us_ein (NN-NNNNNNN), au_abn (11 digits and the ABN checksum), in_gst (15-character GSTIN); they are stored normalized. Invoices issued from now on name the buyer with these details; issued invoices keep theirs.",
      responses: { "200": "OK", "400": "Invalid field", "403": "Members cannot change billing" },
    },
  },
  async ({ actor, body, customerId }) => {
    if (isCustomer(actor)) assertCanManageBilling(actor);
    const { customer_id: _c, external_customer_id: _e, ...patch } = body;
    return billingDetailsJson(customerId, await updateBillingDetails(customerId, patch));
  },
);
