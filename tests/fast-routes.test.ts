// The fast path (server/serve.mjs) answers these API routes without Next's router, with the very
// handlers Next would run; everything else must fall through to Next.
import { describe, expect, it } from "vitest";
import * as billingUsage from "@/app/api/v1/billing/usage/route";
import * as balance from "@/app/api/v1/credits/route";
import * as usageSummary from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as usage from "@/app/api/v1/usage/route";
import * as consume from "@/app/api/v1/credits/consume/route";
import * as finalize from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as entitlements from "@/app/api/v1/entitlements/[meter]/route";
import { match } from "@/server/fast-routes";

describe("fast-path routes", () => {
  it("serves the hot API routes with the app's own handlers, and decodes path parameters", () => {
    expect(match("GET", "/api/v1/credits")?.handler).toBe(balance.GET);
    expect(match("POST", "/api/v1/credits/consume")?.handler).toBe(consume.POST);
    expect(match("POST", "/api/v1/calls/call%2Fa%20b/finalize-cost")).toEqual({ handler: finalize.POST, params: { call_id: "call/a b" } });
    expect(match("GET", "/api/v1/entitlements/api_calls")).toEqual({ handler: entitlements.GET, params: { meter: "api_calls" } });
    expect(match("GET", "/api/v1/usage")?.handler).toBe(usage.GET);
    expect(match("GET", "/api/v1/billing/usage")?.handler).toBe(billingUsage.GET);
    expect(match("GET", "/api/v1/customers/acme/usage-summary")).toEqual({ handler: usageSummary.GET, params: { id: "acme" } });
  });

  it("leaves other methods, longer paths and pages to Next", () => {
    expect(match("POST", "/api/v1/credits")).toBeNull();
    expect(match("GET", "/api/v1/credits/consume")).toBeNull();
    expect(match("GET", "/api/v1/credits/ledger")).toBeNull();
    expect(match("GET", "/credits")).toBeNull();
    expect(match("GET", "/api/v1/customers/acme")).toBeNull();
    expect(match("POST", "/api/v1/calls/x/finalize-cost/extra")).toBeNull();
  });
});
