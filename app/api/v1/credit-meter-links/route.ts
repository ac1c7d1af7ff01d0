import { createLink, listLinks } from "@/lib/credits/drawdown-links";
import { ZCreditMeterLinkCreate, ZCreditMeterLinkQuery } from "@/lib/credits/drawdown-schemas";
import { ZCreditMeterLinkJson, ZCreditMeterLinkPage } from "@/lib/credits/schemas";
import { created, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credit-meter-links",
    auth: "any",
    query: ZCreditMeterLinkQuery,
    doc: {
      response: ZCreditMeterLinkPage,
      tag: "Catalog",
      summary: "Meters priced in credits: which meter (and property filter) spends which credit event",
    },
  },
  async ({ query }) => ({
    data: await listLinks({ includeArchived: query.include_archived === "true" }),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/credit-meter-links",
    auth: "operator",
    body: ZCreditMeterLinkCreate,
    doc: {
      response: ZCreditMeterLinkJson,
      tag: "Catalog",
      summary: "Price a meter in credits: link it (optionally filtered, e.g. by model) to a credit event",
      description:
        "From now on every accepted event of the meter (count or sum) that matches the filters spends ceil(quantity × the credit event's credits) of its customer's credits, in the customer's precedence order, once per event, usually within a second (the drawdown; docs/credits.md). Balances and entitlements count usage not yet drawn. A customer without overage stops at zero; with overage, the rest is billed in arrears. Linking in the middle of a billing period: only events ingested after the link is created are drawn (none before, however old their timestamp); the period's events ingested before it are billed in arrears at the period's close as usage at the plan's price, so no event is both drawn and billed (unless the plan's charge says usage_billing \"both\"). The upcoming invoice shows the same split. What the invoice nets is what the drawdown actually drew (or will draw: usage after the customer's drawdown cursor on a link whose credit event is active): while the credit event is inactive its events spend nothing and are billed in arrears instead. Usage an agent's finalized call records on the meter (source \"call\") is priced and billed by the call and never drawn. A sum meter that accepts negative values (allow_negative) cannot be linked — a correction would leave credits spent on usage the invoice no longer counts — and a linked meter cannot start accepting them; correct credits with an adjustment. A meter's live links must match disjoint events (some property both filter on with no value in common, e.g. model small and model large): a link that could match an event another link of the meter matches is refused, as that event would spend credits twice.",
      responses: {
        "201": "Created",
        "400":
          "Unknown or unsupported meter (or one that accepts negative values), inactive credit event, or a live link of the meter already matches some of the same events (filters)",
      },
    },
  },
  async ({ body }) =>
    created(await createLink({ meter: body.meter, creditEvent: body.credit_event, filters: body.filters })),
);
