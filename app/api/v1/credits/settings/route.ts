import { ZCreditSettingsJson, ZCreditSettingsPatch, ZCreditSettingsQuery } from "@/lib/credits/schemas";
import { creditSettingsJson, getCreditSettings, updateCreditSettings } from "@/lib/credits/settings";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credits/settings",
    auth: "any",
    query: ZCreditSettingsQuery,
    customer: "query",
    doc: {
      response: ZCreditSettingsJson,
      tag: "Credits",
      summary: "Precedence, overage and low-balance settings",
    },
  },
  async ({ customerId: orgId }) => {
    return creditSettingsJson(orgId, await getCreditSettings(orgId));
  },
);

export const PATCH = route(
  {
    path: "/api/v1/credits/settings",
    auth: "operator",
    body: ZCreditSettingsPatch,
    customer: "body",
    doc: {
      response: ZCreditSettingsJson,
      tag: "Credits",
      summary: "Change precedence, overage and low-balance settings",
      responses: { "200": "OK", "400": "Invalid field" },
    },
  },
  async ({ body, customerId: orgId }) => {
    const settings = await updateCreditSettings(orgId, {
      precedence: body.precedence,
      allowOverage: body.allow_overage,
      overagePricePerCredit: body.overage_price_per_credit,
      overageCurrency: body.overage_currency,
      lowBalanceThreshold: body.low_balance_threshold,
    });
    return creditSettingsJson(orgId, settings);
  },
);
