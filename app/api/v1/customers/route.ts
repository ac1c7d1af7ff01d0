import { isCustomer } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { createOrganization, getOrganization, listOrganizations } from "@/lib/orgs/organizations";
import { ZCustomerCreate, ZCustomerList } from "@/lib/orgs/schemas";
import { customerJson } from "@/lib/orgs/serialize";

export const GET = route({ auth: "any", query: ZCustomerList }, async ({ actor, query }) => {
  if (isCustomer(actor)) return { data: [customerJson(await getOrganization(actor.orgId))], next_cursor: null };
  const page = await listOrganizations(query);
  return { data: page.data.map(customerJson), next_cursor: page.nextCursor };
});

/** An Idempotency-Key replays the first answer (a retried create makes one customer). */
export const POST = route({ auth: "operator", body: ZCustomerCreate }, async ({ body, req }) =>
  idempotentReply(req, { orgId: null, scope: "customers.create", request: body }, async () => ({
    status: 201,
    body: customerJson(await createOrganization({ name: body.name, email: body.email, externalId: body.external_id, metadata: body.metadata })),
  })),
);
