// Tenant scoping is decided in one place (scopeCustomer, called by route() for routes declaring
// `customer`): every customer-scoped endpoint answers the same refusals with the same words, and a
// customer may name itself by either of its ids.
import { beforeAll, describe, expect, it } from "vitest";
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as balanceRoute from "@/app/api/v1/credits/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as usageRoute from "@/app/api/v1/usage/route";
import { call, customerKey, makeOrg, platformKey } from "./support/fixtures";

type Err = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

describe("customer scoping in route()", () => {
  let platform = "";
  let own: Awaited<ReturnType<typeof makeOrg>>;
  let other: Awaited<ReturnType<typeof makeOrg>>;
  let key = "";
  beforeAll(async () => {
    platform = await platformKey();
    own = await makeOrg();
    other = await makeOrg();
    key = await customerKey(own.id);
  });

  /** The same scoping question asked of five endpoints (reads by query, a spend by body). */
  const ask = (ref: Record<string, string>, auth: string) => [
    call<Err>(balanceRoute.GET, "GET", `/api/v1/credits?${new URLSearchParams(ref)}`, { key: auth }),
    call<Err>(usageRoute.GET, "GET", `/api/v1/usage?${new URLSearchParams(ref)}`, { key: auth }),
    call<Err>(eventsRoute.GET, "GET", `/api/v1/events?${new URLSearchParams(ref)}`, { key: auth }),
    call<Err>(
      agentsRoute.GET,
      "GET",
      `/api/v1/agents?${new URLSearchParams({ ...(ref.customer_id && { customer_id: ref.customer_id }) })}`,
      { key: auth },
    ),
    call<Err>(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key: auth,
      body: { ...ref, credits: 1, idempotency_key: `k-${Math.random()}` },
    }),
  ];

  it("refuses a customer key naming another customer with one 403 message, by either id", async () => {
    for (const ref of [{ customer_id: other.id }, { customer_id: other.externalId! }]) {
      const answers = await Promise.all(ask(ref, key));
      expect(answers.map((r) => [r.status, r.json.error.message])).toEqual(
        answers.map(() => [403, "This key or session cannot act for another customer."]),
      );
    }
  });

  it("asks a platform key to name the customer with one 400 on customer_id, and answers 404 for an unknown one", async () => {
    const unnamed = await Promise.all(ask({}, platform));
    expect(unnamed.map((r) => [r.status, r.json.error.details?.[0]])).toEqual(
      unnamed.map(() => [
        400,
        { field: "customer_id", message: "required: name the customer (Tally id or external id)" },
      ]),
    );
    const unknown = await Promise.all(ask({ customer_id: "cus_nobody" }, platform));
    expect(unknown.map((r) => [r.status, r.json.error.code])).toEqual(unknown.map(() => [404, "not_found"]));
  });

  it("lets a customer key name itself by Tally id or external id", async () => {
    for (const ref of [
      { customer_id: own.id },
      { customer_id: own.externalId! },
      { external_customer_id: own.externalId! },
    ] as Record<string, string>[]) {
      const r = await call(balanceRoute.GET, "GET", `/api/v1/credits?${new URLSearchParams(ref)}`, { key });
      expect(r.status, JSON.stringify(ref)).toBe(200);
    }
  });
});
