// A FlexPrice-shaped API on loopback, from FlexPrice's API reference: base /v1, the key in
// `x-api-key` (401 without the right one), lists as {items, pagination: {total, limit, offset}}
// paged by limit and offset; a customer's wallets as a plain array at /v1/customers/{id}/wallets.
// `pageSize` caps a page so that tests read several; objects are plain data the tests change between runs.
import type { IncomingMessage } from "node:http";
import { LoopbackJsonServer, type Send } from "./loopback-json-server";

type Obj = Record<string, unknown> & { id: string };

export class FlexPriceServer extends LoopbackJsonServer {
  readonly data: Record<"meters" | "plans" | "prices" | "customers" | "subscriptions" | "wallets", Obj[]> = {
    meters: [],
    plans: [],
    prices: [],
    customers: [],
    subscriptions: [],
    wallets: [],
  };

  constructor(
    readonly apiKey: string,
    readonly pageSize = 2,
  ) {
    super();
  }

  protected handle(req: IncomingMessage, url: URL, send: Send): void {
    if (req.headers["x-api-key"] !== this.apiKey)
      return send(401, { error: { message: "invalid api key", internal_error: "unauthorized" } });
    const w = /^\/v1\/customers\/([^/]+)\/wallets$/.exec(url.pathname);
    if (req.method === "GET" && w) {
      const id = decodeURIComponent(w[1]!);
      if (!this.data.customers.some((c) => c.id === id)) return send(404, { error: { message: "customer not found" } });
      return send(
        200,
        this.data.wallets.filter((x) => x.customer_id === id),
      );
    }
    const m = /^\/v1\/(meters|plans|prices|customers|subscriptions)$/.exec(url.pathname);
    if (req.method !== "GET" || !m) return send(404, { error: { message: "not found" } });
    const all = this.data[m[1] as keyof FlexPriceServer["data"]];
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 50), this.pageSize);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    send(200, { items: all.slice(offset, offset + limit), pagination: { total: all.length, limit, offset } });
  }
}

/** Objects as FlexPrice answers them (fields the import reads, and some it does not). */
export const flexMeter = (id: string, eventName: string, type = "SUM", field: string | null = "value") => ({
  id,
  name: eventName.replace(/_/g, " "),
  event_name: eventName,
  aggregation: { type, field },
  filters: [],
  reset_usage: "BILLING_PERIOD",
  status: "published",
  tenant_id: "tenant_1",
});

export const flexPlan = (id: string, name: string) => ({
  id,
  name,
  lookup_key: id,
  description: `${name} plan`,
  status: "published",
  created_at: "2025-01-01T00:00:00Z",
});

export const flexPrice = (
  id: string,
  planId: string,
  fields: {
    type: "USAGE" | "FIXED";
    amount: string;
    meter_id?: string;
    billing_period?: string;
    billing_model?: string;
    display_name?: string;
  },
) => ({
  id,
  amount: fields.amount,
  display_amount: `$${fields.amount}`,
  currency: "usd",
  entity_type: "PLAN",
  entity_id: planId,
  type: fields.type,
  billing_period: fields.billing_period ?? "MONTHLY",
  billing_period_count: 1,
  billing_model: fields.billing_model ?? "FLAT_FEE",
  billing_cadence: "RECURRING",
  invoice_cadence: fields.type === "FIXED" ? "ADVANCE" : "ARREAR",
  meter_id: fields.meter_id ?? null,
  tier_mode: null,
  tiers: null,
  transform_quantity: null,
  display_name: fields.display_name ?? null,
  status: "published",
});

export const flexCustomer = (id: string, externalId: string, name: string) => ({
  id,
  external_id: externalId,
  name,
  email: `${externalId}@example.test`,
  metadata: {},
  status: "published",
});

export const flexWallet = (
  id: string,
  customerId: string,
  creditBalance: number | string,
  status: "active" | "frozen" | "closed" = "active",
) => ({
  id,
  customer_id: customerId,
  name: "Prepaid Wallet",
  currency: "usd",
  wallet_type: "PRE_PAID",
  wallet_status: status,
  credit_balance: creditBalance,
  balance: creditBalance,
  conversion_rate: 1,
  created_at: "2025-01-01T00:00:00Z",
});

/** A monthly period that started five days ago. */
export function currentMonth() {
  const start = new Date(Date.now() - 5 * 86_400_000);
  start.setUTCMilliseconds(0);
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return {
    billing_anchor: start.toISOString(),
    start_date: start.toISOString(),
    current_period_start: start.toISOString(),
    current_period_end: end.toISOString(),
  };
}

export const flexSubscription = (id: string, customerId: string, planId: string, status = "active") => ({
  id,
  customer_id: customerId,
  plan_id: planId,
  subscription_status: status,
  currency: "usd",
  billing_period: "MONTHLY",
  billing_period_count: 1,
  ...currentMonth(),
  cancel_at_period_end: false,
  status: "published",
});
