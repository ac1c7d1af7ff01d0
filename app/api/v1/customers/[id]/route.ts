import { isCustomer } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { findOrganizationByRef, updateOrganization } from "@/lib/orgs/organizations";
import { ZCustomerPatch } from "@/lib/orgs/schemas";
import { customerJson } from "@/lib/orgs/serialize";

/** `{id}` is Tally's id or the customer's external_id. */
export const GET = route({ auth: "any", params: ZIdParams }, async ({ actor, params }) => {
  const org = await findOrganizationByRef(params.id);
  if (!org || (isCustomer(actor) && org.id !== actor.orgId)) throw notFound("Customer");
  return customerJson(org);
});

export const PATCH = route({ auth: "operator", params: ZIdParams, body: ZCustomerPatch }, async ({ params, body }) => {
  const org = await findOrganizationByRef(params.id);
  if (!org) throw notFound("Customer");
  return customerJson(await updateOrganization(org.id, { name: body.name, email: body.email, externalId: body.external_id, metadata: body.metadata }));
});
