import { isCustomer } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { findOrganizationByRef, updateOrganization } from "@/lib/orgs/organizations";
import { ZCustomerJson, ZCustomerPatch } from "@/lib/orgs/schemas";
import { customerJson } from "@/lib/orgs/serialize";

/** `{id}` is Tally's id or the customer's external_id. */
export const GET = route(
  {
    path: "/api/v1/customers/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZCustomerJson,
      tag: "Customers",
      summary: "A customer, by id or external_id",
      responses: { "200": "OK", "404": "Not found (or another customer's)" },
    },
  },
  async ({ actor, params }) => {
    const org = await findOrganizationByRef(params.id);
    if (!org || (isCustomer(actor) && org.id !== actor.orgId)) throw notFound("Customer");
    return customerJson(org);
  },
);

export const PATCH = route(
  {
    path: "/api/v1/customers/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZCustomerPatch,
    doc: {
      response: ZCustomerJson,
      tag: "Customers",
      summary: "Change a customer's name, email, external_id or metadata",
      responses: { "200": "OK", "400": "Invalid field", "404": "Not found", "409": "external_id in use" },
    },
  },
  async ({ params, body }) => {
    const org = await findOrganizationByRef(params.id);
    if (!org) throw notFound("Customer");
    return customerJson(
      await updateOrganization(org.id, {
        name: body.name,
        email: body.email,
        externalId: body.external_id,
        metadata: body.metadata,
      }),
    );
  },
);
