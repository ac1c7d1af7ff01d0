// Lago's API, as its reference gives it: base `/api/v1`, `Authorization: Bearer <key>`, lists as
// `{<plural>: [...], meta: {current_page, next_page, total_pages, total_count}}` paged by `page` and
// `per_page`; amounts as integer `amount_cents` with `amount_currency`. Wallets are listed per
// customer (Lago requires `external_customer_id`), and so are subscriptions (every Lago version
// takes that filter). Read in full before anything is written.
import "server-only";
import { z } from "zod";
import { apiBase, getJson, MAX_PAGES, parseAnswer } from "./source-http";

const ZStr = z.string().nullish();
/** Lago answers decimals as strings in its API, and as numbers in some older serializers. */
const ZDecimalish = z.union([z.string(), z.number()]).transform(String);

const ZMetric = z.object({
  lago_id: z.string(),
  name: z.string(),
  code: z.string(),
  aggregation_type: z.string(),
  field_name: ZStr,
  recurring: z.boolean().nullish(),
  filters: z.array(z.object({ key: z.string(), values: z.array(z.string()) })).nullish(),
});

const ZRange = z.object({
  from_value: z.number(),
  to_value: z.number().nullable(),
  per_unit_amount: ZDecimalish,
  flat_amount: ZDecimalish.nullish(),
});

const ZCharge = z.object({
  lago_id: z.string(),
  billable_metric_code: z.string(),
  charge_model: z.string(),
  pay_in_advance: z.boolean().nullish(),
  min_amount_cents: z.number().int().nullish(),
  invoice_display_name: ZStr,
  properties: z
    .object({
      amount: ZDecimalish.nullish(),
      package_size: z.number().nullish(),
      free_units: z.number().nullish(),
      graduated_ranges: z.array(ZRange).nullish(),
      volume_ranges: z.array(ZRange).nullish(),
    })
    .nullish(),
  filters: z.array(z.unknown()).nullish(),
});

const ZPlan = z.object({
  lago_id: z.string(),
  name: z.string(),
  code: z.string(),
  interval: z.string(),
  description: ZStr,
  amount_cents: z.number().int(),
  amount_currency: z.string(),
  trial_period: z.number().nullish(),
  pay_in_advance: z.boolean().nullish(),
  charges: z.array(ZCharge).nullish(),
});

const ZCustomer = z.object({
  lago_id: z.string(),
  external_id: z.string(),
  name: ZStr,
  firstname: ZStr,
  lastname: ZStr,
  email: ZStr,
});

const ZSubscription = z.object({
  lago_id: z.string(),
  external_id: z.string(),
  external_customer_id: z.string(),
  name: ZStr,
  plan_code: z.string(),
  status: z.string(),
  current_billing_period_started_at: ZStr,
  current_billing_period_ending_at: ZStr,
  ending_at: ZStr,
});

const ZWallet = z.object({
  lago_id: z.string(),
  external_customer_id: z.string(),
  name: ZStr,
  status: z.string(),
  currency: z.string(),
  rate_amount: ZDecimalish,
  credits_balance: ZDecimalish,
  balance_cents: z.number().int().nullish(),
  expiration_at: ZStr,
});

export type LagoMetric = z.output<typeof ZMetric>;
export type LagoCharge = z.output<typeof ZCharge>;
export type LagoPlan = z.output<typeof ZPlan>;
export type LagoCustomer = z.output<typeof ZCustomer>;
export type LagoSubscription = z.output<typeof ZSubscription>;
export type LagoWallet = z.output<typeof ZWallet>;

export type LagoData = {
  metrics: LagoMetric[];
  plans: LagoPlan[];
  customers: LagoCustomer[];
  subscriptions: LagoSubscription[];
  wallets: LagoWallet[];
};

const PER_PAGE = 100;

async function listAll<S extends z.ZodType>(
  base: string,
  key: string,
  path: string,
  plural: string,
  item: S,
  filter: Record<string, string | string[]> = {},
): Promise<z.output<S>[]> {
  const ZPage = z.object({
    [plural]: z.array(item),
    meta: z.object({ next_page: z.number().int().nullable(), total_pages: z.number().int().optional() }),
  });
  const out: z.output<S>[] = [];
  let page: number | null = 1;
  for (let n = 0; page !== null && n < MAX_PAGES; n++) {
    const q = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
    for (const [k, v] of Object.entries(filter)) for (const one of [v].flat()) q.append(k, one);
    const body = parseAnswer(
      "Lago",
      `/api/v1${path}`,
      ZPage,
      await getJson("Lago", `${base}/api/v1${path}?${q}`, { authorization: `Bearer ${key}` }),
    ) as { meta: { next_page: number | null } } & Record<string, z.output<S>[]>;
    out.push(...body[plural]!);
    page = body.meta.next_page;
  }
  return out;
}

export function lagoBase(apiUrl: string): string {
  return apiBase(apiUrl, /\/api\/v1$/);
}

export async function fetchLago(apiUrl: string, apiKey: string): Promise<LagoData> {
  const base = lagoBase(apiUrl);
  const metrics = await listAll(base, apiKey, "/billable_metrics", "billable_metrics", ZMetric);
  const plans = await listAll(base, apiKey, "/plans", "plans", ZPlan);
  const customers = await listAll(base, apiKey, "/customers", "customers", ZCustomer);
  const subscriptions: LagoSubscription[] = [];
  const wallets: LagoWallet[] = [];
  for (const c of customers) {
    const filter = { external_customer_id: c.external_id };
    subscriptions.push(
      ...(await listAll(base, apiKey, "/subscriptions", "subscriptions", ZSubscription, {
        ...filter,
        "status[]": ["active", "pending", "canceled", "terminated"],
      })),
    );
    wallets.push(...(await listAll(base, apiKey, "/wallets", "wallets", ZWallet, filter)));
  }
  return { metrics, plans, customers, subscriptions, wallets };
}
