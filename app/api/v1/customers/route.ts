import { isCustomer } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { createOrganization, getOrganization, listOrganizations } from "@/lib/orgs/organizations";
import { ZCustomerCreate, ZCustomerJson, ZCustomerList, ZCustomerPage } from "@/lib/orgs/schemas";
import { customerJson } from "@/lib/orgs/serialize";

export const GET = route(
  {
    path: "/api/v1/customers",
    auth: "any",
    query: ZCustomerList,
    doc: {
      response: ZCustomerPage,
      tag: "Customers",
      summary: "List customers (a customer sees itself)",
    },
  },
  async ({ actor, query }) => {
    if (isCustomer(actor)) return { data: [customerJson(await getOrganization(actor.orgId))], next_cursor: null };
    const page = await listOrganizations(query);
    return { data: page.data.map(customerJson), next_cursor: page.nextCursor };
  },
);

/** An Idempotency-Key replays the first answer (a retried create makes one customer). */
export const POST = route(
  {
    path: "/api/v1/customers",
    auth: "operator",
    body: ZCustomerCreate,
    idempotent: "optional-key",
    doc: {
      response: ZCustomerJson,
      tag: "Customers",
      summary: "Create a customer",
      description:
        "Takes an optional Idempotency-Key header: a retry with the same key and body answers the first customer again and creates none.",
      responses: {
        "201": "Created",
        "400": "Invalid field",
        "409": "external_id in use, or the key was used with another body",
      },
    },
  },
  async ({ body, idempotencyKey: key }) =>
    idempotentCall(key ? { orgId: null, scope: "customers.create", key, request: body } : null, async () => ({
      status: 201,
      body: customerJson(
        await createOrganization({
          name: body.name,
          email: body.email,
          externalId: body.external_id,
          metadata: body.metadata,
        }),
      ),
    })),
);
