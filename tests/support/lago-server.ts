// A Lago-shaped API on loopback, from Lago's API reference: base /api/v1, `Authorization: Bearer
// <key>` (401 without the right one), lists as {<plural>: [...], meta: {current_page, next_page,
// prev_page, total_pages, total_count}} paged by page and per_page. Wallets need
// `external_customer_id` (422 without it, as Lago answers); subscriptions filter by it and by
// `status[]` (active only when not given). `perPage` caps a page so that tests read several.
import type { IncomingMessage } from "node:http";
import { LoopbackJsonServer, type Send } from "./loopback-json-server";

type Obj = Record<string, unknown>;
type Plural = "billable_metrics" | "plans" | "customers" | "subscriptions" | "wallets";

export class LagoServer extends LoopbackJsonServer {
  readonly data: Record<Plural, Obj[]> = {
    billable_metrics: [],
    plans: [],
    customers: [],
    subscriptions: [],
    wallets: [],
  };

  constructor(
    readonly apiKey: string,
    readonly perPage = 2,
  ) {
    super();
  }

  protected handle(req: IncomingMessage, url: URL, send: Send): void {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return send(401, { status: 401, error: "Unauthorized" });
    const m = /^\/api\/v1\/(billable_metrics|plans|customers|subscriptions|wallets)$/.exec(url.pathname);
    if (req.method !== "GET" || !m) return send(404, { status: 404, error: "Not Found", code: "resource_not_found" });
    const plural = m[1] as Plural;
    let rows = this.data[plural];
    const customer = url.searchParams.get("external_customer_id");
    if (plural === "wallets" && !customer)
      return send(422, {
        status: 422,
        error: "Unprocessable Entity",
        code: "validation_errors",
        error_details: { external_customer_id: ["value_is_mandatory"] },
      });
    if (customer && (plural === "wallets" || plural === "subscriptions"))
      rows = rows.filter((r) => r.external_customer_id === customer);
    if (plural === "subscriptions") {
      const statuses = url.searchParams.getAll("status[]");
      rows = rows.filter((r) => (statuses.length ? statuses : ["active"]).includes(r.status as string));
    }
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 20), this.perPage);
    const page = Number(url.searchParams.get("page") ?? 1);
    const totalPages = Math.max(1, Math.ceil(rows.length / perPage));
    send(200, {
      [plural]: rows.slice((page - 1) * perPage, page * perPage),
      meta: {
        current_page: page,
        next_page: page < totalPages ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
        total_pages: totalPages,
        total_count: rows.length,
      },
    });
  }
}

/** Objects as Lago answers them (fields the import reads, and some it does not). */
export const lagoMetric = (lagoId: string, code: string, aggregation = "sum_agg", field: string | null = "value") => ({
  lago_id: lagoId,
  name: code.replace(/_/g, " "),
  code,
  description: "",
  aggregation_type: aggregation,
  field_name: field,
  recurring: false,
  weighted_interval: null,
  expression: null,
  filters: [],
  created_at: "2025-01-01T00:00:00Z",
});

export const lagoPlan = (
  lagoId: string,
  code: string,
  fields: { amount_cents: number; interval?: string; trial_period?: number; charges?: Obj[] },
) => ({
  lago_id: lagoId,
  name: code.replace(/_/g, " "),
  invoice_display_name: null,
  code,
  interval: fields.interval ?? "monthly",
  description: "",
  amount_cents: fields.amount_cents,
  amount_currency: "USD",
  trial_period: fields.trial_period ?? 0,
  pay_in_advance: true,
  bill_charges_monthly: null,
  created_at: "2025-01-01T00:00:00Z",
  charges: fields.charges ?? [],
  taxes: [],
});

export const lagoStandardCharge = (lagoId: string, metricCode: string, amount: string) => ({
  lago_id: lagoId,
  lago_billable_metric_id: `bm_${metricCode}`,
  billable_metric_code: metricCode,
  charge_model: "standard",
  invoiceable: true,
  invoice_display_name: null,
  pay_in_advance: false,
  prorated: false,
  min_amount_cents: 0,
  properties: { amount },
  filters: [],
  taxes: [],
});

export const lagoCustomer = (lagoId: string, externalId: string, name: string) => ({
  lago_id: lagoId,
  external_id: externalId,
  name,
  firstname: null,
  lastname: null,
  email: `${externalId}@example.test`,
  currency: "USD",
  country: "US",
  metadata: [],
  created_at: "2025-01-01T00:00:00Z",
});

export function lagoSubscription(
  lagoId: string,
  externalId: string,
  customerExternalId: string,
  planCode: string,
  status = "active",
) {
  const start = new Date(Date.now() - 5 * 86_400_000);
  start.setUTCHours(0, 0, 0, 0);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return {
    lago_id: lagoId,
    external_id: externalId,
    lago_customer_id: `lc_${customerExternalId}`,
    external_customer_id: customerExternalId,
    name: null,
    plan_code: planCode,
    status,
    billing_time: "anniversary",
    subscription_at: start.toISOString(),
    started_at: start.toISOString(),
    current_billing_period_started_at: start.toISOString(),
    // Lago ends a period at its last second.
    current_billing_period_ending_at: new Date(next.getTime() - 1000).toISOString(),
    ending_at: null,
    terminated_at: null,
    canceled_at: null,
    created_at: start.toISOString(),
  };
}

export const lagoWallet = (lagoId: string, customerExternalId: string, credits: string, status = "active") => ({
  lago_id: lagoId,
  lago_customer_id: `lc_${customerExternalId}`,
  external_customer_id: customerExternalId,
  status,
  currency: "USD",
  name: "Prepaid",
  rate_amount: "1.0",
  credits_balance: credits,
  balance_cents: Math.round(Number(credits) * 100),
  consumed_credits: "0.0",
  created_at: "2025-01-01T00:00:00Z",
  expiration_at: null,
  last_balance_sync_at: null,
  last_consumed_credit_at: null,
  terminated_at: null,
});
