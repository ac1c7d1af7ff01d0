// FlexPrice's API, as its reference gives it: base `/v1`, the key in `x-api-key`, lists as
// `{items, pagination: {total, limit, offset}}` paged by `limit` and `offset`; a customer's wallets
// as a plain array from `/v1/customers/{id}/wallets`. Read in full before anything is written.
import "server-only";
import { z } from "zod";
import { apiBase, getJson, MAX_PAGES, parseAnswer } from "./source-http";

const ZNullableString = z.string().nullish();

const ZMeter = z.object({
  id: z.string(),
  name: z.string().default(""),
  event_name: z.string(),
  aggregation: z.object({ type: z.string(), field: ZNullableString }),
  filters: z.array(z.object({ key: z.string(), values: z.array(z.string()).nullish() })).nullish(),
  status: ZNullableString,
});

const ZPlan = z.object({
  id: z.string(),
  name: z.string(),
  description: ZNullableString,
  lookup_key: ZNullableString,
  status: ZNullableString,
});

const ZPrice = z.object({
  id: z.string(),
  amount: z.string(),
  currency: z.string(),
  /** Older FlexPrice answers `plan_id`; newer ones `entity_type: "PLAN"` with `entity_id`. */
  plan_id: ZNullableString,
  entity_type: ZNullableString,
  entity_id: ZNullableString,
  type: z.string(),
  billing_period: z.string(),
  billing_period_count: z.number().int().nullish(),
  billing_model: z.string(),
  billing_cadence: ZNullableString,
  /** ADVANCE: billed at the period's start (a subscription fee); ARREAR: at its end. */
  invoice_cadence: ZNullableString,
  tier_mode: ZNullableString,
  tiers: z
    .array(
      z.object({
        up_to: z.number().nullish(),
        unit_amount: z.union([z.string(), z.number()]).transform(String),
        flat_amount: z.union([z.string(), z.number()]).transform(String).nullish(),
      }),
    )
    .nullish(),
  meter_id: ZNullableString,
  filter_values: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
  transform_quantity: z.object({ divide_by: z.number(), round: ZNullableString }).nullish(),
  description: ZNullableString,
  display_name: ZNullableString,
  status: ZNullableString,
});

const ZCustomer = z.object({
  id: z.string(),
  external_id: ZNullableString,
  name: z.string().default(""),
  email: ZNullableString,
  status: ZNullableString,
});

const ZSubscription = z.object({
  id: z.string(),
  customer_id: z.string(),
  plan_id: z.string(),
  subscription_status: z.string(),
  currency: ZNullableString,
  billing_period: ZNullableString,
  current_period_start: z.string(),
  current_period_end: z.string(),
  cancel_at_period_end: z.boolean().nullish(),
  lookup_key: ZNullableString,
});

/** Amounts come as JSON numbers or decimal strings, by version: kept as the decimal string. */
const ZAmount = z.union([z.string(), z.number()]).transform(String);

const ZWallet = z.object({
  id: z.string(),
  customer_id: z.string(),
  name: ZNullableString,
  currency: ZNullableString,
  /** Credits in the wallet (its money `balance` is credits × conversion_rate). */
  credit_balance: ZAmount,
  wallet_status: z.string(),
  wallet_type: ZNullableString,
});

export type FlexMeter = z.output<typeof ZMeter>;
export type FlexPlan = z.output<typeof ZPlan>;
export type FlexPrice = z.output<typeof ZPrice>;
export type FlexCustomer = z.output<typeof ZCustomer>;
export type FlexSubscription = z.output<typeof ZSubscription>;
export type FlexWallet = z.output<typeof ZWallet>;

export type FlexPriceData = {
  meters: FlexMeter[];
  plans: FlexPlan[];
  prices: FlexPrice[];
  customers: FlexCustomer[];
  subscriptions: FlexSubscription[];
  wallets: FlexWallet[];
};

const PAGE = 100;
/** FlexPrice keeps deleted and archived objects readable; only live ones are imported. */
const live = <T extends { status?: string | null }>(rows: T[]) =>
  rows.filter((r) => !r.status || !["archived", "deleted"].includes(r.status.toLowerCase()));

async function listAll<S extends z.ZodType>(base: string, key: string, path: string, item: S): Promise<z.output<S>[]> {
  const ZPage = z.object({
    items: z.array(item).nullable(),
    pagination: z.object({
      total: z.number().int(),
      limit: z.number().int().optional(),
      offset: z.number().int().optional(),
    }),
  });
  const out: z.output<S>[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${base}/v1${path}?limit=${PAGE}&offset=${out.length}`;
    const body = parseAnswer("FlexPrice", `/v1${path}`, ZPage, await getJson("FlexPrice", url, { "x-api-key": key }));
    const items = body.items ?? [];
    out.push(...items);
    if (items.length === 0 || out.length >= body.pagination.total) return out;
  }
  return out;
}

export function flexpriceBase(apiUrl: string): string {
  return apiBase(apiUrl, /\/v1$/);
}

export async function fetchFlexPrice(apiUrl: string, apiKey: string): Promise<FlexPriceData> {
  const base = flexpriceBase(apiUrl);
  // One after another: the first call tells a refused key or an unreachable host before the rest are tried.
  const meters = live(await listAll(base, apiKey, "/meters", ZMeter));
  const plans = live(await listAll(base, apiKey, "/plans", ZPlan));
  const prices = live(await listAll(base, apiKey, "/prices", ZPrice));
  const customers = live(await listAll(base, apiKey, "/customers", ZCustomer));
  const subscriptions = await listAll(base, apiKey, "/subscriptions", ZSubscription);
  const wallets: FlexWallet[] = [];
  for (const c of customers) {
    const path = `/v1/customers/${encodeURIComponent(c.id)}/wallets`;
    const answer = await getJson("FlexPrice", `${base}${path}`, { "x-api-key": apiKey });
    wallets.push(...parseAnswer("FlexPrice", path, z.array(ZWallet).nullable(), answer)!);
  }
  return { meters, plans, prices, customers, subscriptions, wallets };
}
