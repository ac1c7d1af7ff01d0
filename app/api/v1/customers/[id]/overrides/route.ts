import { actorLabel } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { idempotent } from "@/lib/idempotency/idempotent";
import { findOrganizationByRef } from "@/lib/orgs/organizations";
import { createOverride, listOverrides, overrideJson } from "@/lib/overrides/overrides";
import { ZOverrideCreate, ZOverrideJson, ZOverrideList } from "@/lib/overrides/schemas";
import type { Executor } from "@/lib/db/client";

async function customerOf(ref: string) {
  const org = await findOrganizationByRef(ref);
  if (!org) throw notFound("Customer");
  return org;
}

/** `{id}` is Tally's id or the customer's external_id. */
export const GET = route(
  {
    path: "/api/v1/customers/{id}/overrides",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZOverrideList,
      tag: "Customers",
      summary: "A customer's overrides, newest first: the active ones and the history",
      responses: { "200": "OK", "403": "Not an operator", "404": "Not found" },
    },
  },
  async ({ params }) => {
    const org = await customerOf(params.id);
    const now = new Date();
    return { object: "list" as const, data: (await listOverrides(org.id)).map((o) => overrideJson(o, now)) };
  },
);

export const POST = route(
  {
    path: "/api/v1/customers/{id}/overrides",
    auth: "operator",
    params: ZIdParams,
    body: ZOverrideCreate,
    idempotent: "optional-key",
    doc: {
      response: ZOverrideJson,
      tag: "Customers",
      summary: "Give one customer a different price, feature value or limit, included credits or trial",
      description:
        "Changes one term of the customer's plan from `starts_at` (default now) until `ends_at` (or a revoke), without a new plan. `charge_price`: a usage charge's price model, validated as a plan's charge (per_unit, package, graduated, volume, group); the price in force at the end of a billing period rates that period's whole usage, on the upcoming invoice, the period invoice and Stripe's invoice items. `feature`: a boolean or numeric feature's value, or a metered feature's limit (null: unlimited), in force at each entitlement check. `included_credits`: the credits of each allocation window starting while it is in force. `trial_days`: the trial of a subscription started while it is in force. An override beats an add-on, which beats the plan. " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "201": "Created",
        "400": "Invalid field (an unknown meter or feature, a value of the wrong kind, ends_at before starts_at)",
        "403": "Not an operator",
        "404": "Not found",
        "409": "The key was used with another body",
      },
    },
  },
  async ({ actor, params, body, idempotencyKey: key }) => {
    const org = await customerOf(params.id);
    const run = async (tx: Executor) => ({
      status: 201,
      body: overrideJson(await createOverride(org.id, body, actorLabel(actor), { tx })),
    });
    if (!key) return { ...(await run(db)), replayed: false };
    return idempotent({ orgId: org.id, scope: "customer_overrides.create", key, request: body }, run);
  },
);
