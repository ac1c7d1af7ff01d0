import { actorLabel } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { findOrganizationByRef } from "@/lib/orgs/organizations";
import { overrideJson, revokeOverride } from "@/lib/overrides/overrides";
import { ZOverrideJson, ZOverrideParams } from "@/lib/overrides/schemas";

export const DELETE = route(
  {
    path: "/api/v1/customers/{id}/overrides/{overrideId}",
    auth: "operator",
    params: ZOverrideParams,
    doc: {
      response: ZOverrideJson,
      tag: "Customers",
      summary: "Revoke a customer's override",
      description:
        "The override stops applying now (revoked_at, revoked_by); its row stays in the history. A period that ends after the revoke is billed at the plan's price. Revoking a revoked override changes nothing and answers it as it is.",
      responses: { "200": "OK", "403": "Not an operator", "404": "Not found (or another customer's override)" },
    },
  },
  async ({ actor, params }) => {
    const org = await findOrganizationByRef(params.id);
    if (!org) throw notFound("Customer");
    return overrideJson(await revokeOverride(org.id, params.overrideId, actorLabel(actor)));
  },
);
