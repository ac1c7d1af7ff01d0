import { actorLabel, assertCanManageBilling, isCustomer } from "@/lib/auth/actor";
import { autoTopUpJson, getAutoTopUp, setAutoTopUp } from "@/lib/credits/auto-top-up";
import { ZAutoTopUpPut, ZAutoTopUpQuery } from "@/lib/credits/auto-top-up-schemas";
import { ZAutoTopUpJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credits/auto-top-up",
    auth: "any",
    query: ZAutoTopUpQuery,
    customer: "query",
    doc: {
      response: ZAutoTopUpJson,
      tag: "Credits",
      summary: "Auto top-up settings, this month's count and recent top-ups",
    },
  },
  async ({ customerId: orgId }) => autoTopUpJson(await getAutoTopUp(orgId)),
);

export const PUT = route(
  {
    path: "/api/v1/credits/auto-top-up",
    auth: "any",
    body: ZAutoTopUpPut,
    customer: "body",
    doc: {
      response: ZAutoTopUpJson,
      tag: "Credits",
      summary: "Turn auto top-up on or off: below a balance, buy a credit pack",
      description:
        "When the balance falls below `threshold_credits`, Tally buys `credit_product_id` with the saved card (off-session), once per crossing and at most `max_per_month` times a calendar month; with invoice billing it issues an open invoice instead. Turning it on below the threshold buys at once. Setting the same values again changes nothing (PUT is idempotent).",
      responses: {
        "200": "OK",
        "400": "Invalid field (no saved card, unknown pack)",
        "403": "Members cannot change billing",
      },
    },
  },
  async ({ actor, body, customerId: orgId }) => {
    if (isCustomer(actor)) assertCanManageBilling(actor);
    const view = await setAutoTopUp(
      orgId,
      {
        enabled: body.enabled,
        thresholdCredits: body.threshold_credits,
        creditProductId: body.credit_product_id,
        maxPerMonth: body.max_per_month,
      },
      actorLabel(actor),
    );
    return autoTopUpJson(view);
  },
);
