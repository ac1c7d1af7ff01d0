import { isCustomer } from "@/lib/auth/actor";
import { created, route } from "@/lib/http/route";
import { createOrganization, getOrganization, listOrganizations } from "@/lib/orgs/organizations";
import { ZCustomerCreate, ZCustomerList } from "@/lib/orgs/schemas";
import { customerJson } from "@/lib/orgs/serialize";

export const GET = route({
  path: "/api/v1/customers",
  auth: "any", query: ZCustomerList,
  doc: {
    tag: "Customers",
    summary: "List customers (a customer sees itself)",
  },
}, async ({ actor, query }) => {
  if (isCustomer(actor)) return { data: [customerJson(await getOrganization(actor.orgId))], next_cursor: null };
  const page = await listOrganizations(query);
  return { data: page.data.map(customerJson), next_cursor: page.nextCursor };
});

export const POST = route({
  path: "/api/v1/customers",
  auth: "operator", body: ZCustomerCreate,
  doc: {
    tag: "Customers",
    summary: "Create a customer",
    responses: { "201": "Created", "400": "Invalid field", "409": "external_id in use" },
  },
}, async ({ body }) =>
  created(customerJson(await createOrganization({ name: body.name, email: body.email, externalId: body.external_id, metadata: body.metadata }))),
);
