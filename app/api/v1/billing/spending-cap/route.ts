import { actorLabel, assertCanManageBilling, isCustomer } from "@/lib/auth/actor";
import { getSpendingCap, setSpendingCap, spendingCapJson } from "@/lib/billing/spending-cap";
import { ZSpendingCapJson, ZSpendingCapPut, ZSpendingCapQuery } from "@/lib/billing/spending-cap-schemas";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/billing/spending-cap",
    auth: "any",
    query: ZSpendingCapQuery,
    customer: "query",
    doc: {
      response: ZSpendingCapJson,
      tag: "Billing",
      summary: "The monthly spending cap, what usage has spent against it, and whether it is reached",
    },
  },
  async ({ customerId: orgId }) => spendingCapJson(orgId, await getSpendingCap(orgId)),
);

export const PUT = route(
  {
    path: "/api/v1/billing/spending-cap",
    auth: "any",
    body: ZSpendingCapPut,
    customer: "body",
    doc: {
      response: ZSpendingCapJson,
      tag: "Billing",
      summary:
        "Set or remove the monthly spending cap (hard: usage refused at the cap; soft: alerts at 80 % and 100 %)",
      description:
        "The cap counts what usage adds to the bill in the window — usage charges, credit overage and call costs as the period's invoice rates them, not the plan fee; the window is the billing period of a monthly plan, the calendar month (UTC) inside a yearly one. Hard: once spent ≥ cap, GET /api/v1/entitlements/{meter} answers allowed false (reason spending_cap) and POST /api/v1/credits/consume 402 spending_cap_reached. `amount_cents: null` removes the cap. Setting the same values again changes nothing (PUT is idempotent).",
      responses: { "200": "OK", "400": "Invalid field", "403": "Members cannot change billing" },
    },
  },
  async ({ actor, body, customerId: orgId }) => {
    if (isCustomer(actor)) assertCanManageBilling(actor);
    const state = await setSpendingCap(orgId, { amountCents: body.amount_cents, mode: body.mode }, actorLabel(actor));
    return spendingCapJson(orgId, state);
  },
);
