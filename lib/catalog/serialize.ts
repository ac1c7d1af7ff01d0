// Catalog objects as the API shows them: snake_case, decimals as strings, minor units as *_cents.
import type { CreditEvent, CreditProduct, Feature, Meter, ModelPrice, Plan } from "@/lib/db/schema";
import { minorToDecimal } from "@/lib/money";
import { planStatus } from "./plan-status";
import { planStripeStatus } from "./plan-stripe-status";
import type { CreditEventJson, CreditProductJson, FeatureJson, MeterJson, ModelPriceJson, PlanJson } from "./schemas";

export function featureJson(f: Feature): FeatureJson {
  return {
    id: f.id,
    object: "feature",
    key: f.key,
    kind: f.kind,
    name: f.name,
    unit: f.unit,
    sort_order: f.sortOrder,
    archived: f.archivedAt !== null,
    created_at: f.createdAt.toISOString(),
  };
}

export function meterJson(m: Meter): MeterJson {
  return {
    id: m.id,
    object: "meter",
    code: m.code,
    name: m.name,
    event_name: m.eventName,
    aggregation: m.aggregation,
    property: m.property,
    filters: m.filters,
    group_by: m.groupBy,
    unit: m.unit,
    allow_negative: m.allowNegative,
    archived: m.archivedAt !== null,
    created_at: m.createdAt.toISOString(),
  };
}

export function planJson(p: Plan): PlanJson {
  return {
    id: p.id,
    object: "plan",
    code: p.code,
    version: p.version,
    tier: p.tier,
    name: p.name,
    description: p.description,
    interval: p.interval,
    currency: p.currency,
    base_price: minorToDecimal(p.basePriceCents, p.currency),
    base_price_cents: p.basePriceCents,
    trial_days: p.trialDays,
    included_credits: p.includedCredits,
    limits: p.limits,
    features: p.features,
    charges: p.charges,
    active: p.active,
    status: planStatus(p),
    self_serve: p.selfServe,
    allow_overage: p.allowOverage,
    is_latest: p.isLatest,
    source: p.source,
    stripe_product_id: p.stripeProductId,
    stripe_price_id: p.stripePriceId,
    stripe_status: planStripeStatus(p),
    created_at: p.createdAt.toISOString(),
    archived_at: p.archivedAt?.toISOString() ?? null,
  };
}

export function creditEventJson(e: CreditEvent): CreditEventJson {
  return {
    id: e.id,
    object: "credit_event",
    code: e.code,
    name: e.name,
    description: e.description,
    credits: e.credits,
    category: e.category,
    active: e.active,
    created_at: e.createdAt.toISOString(),
  };
}

export function creditProductJson(p: CreditProduct): CreditProductJson {
  return {
    id: p.id,
    object: "credit_product",
    code: p.code,
    name: p.name,
    credits: p.credits,
    price: minorToDecimal(p.priceCents, p.currency),
    price_cents: p.priceCents,
    currency: p.currency,
    active: p.active,
    stripe_price_id: p.stripePriceId,
  };
}

export function modelPriceJson(m: ModelPrice): ModelPriceJson {
  return {
    id: m.id,
    object: "model_price",
    provider: m.provider,
    model: m.model,
    input_price_per_token: m.inputPricePerToken,
    output_price_per_token: m.outputPricePerToken,
    currency: m.currency,
    effective_from: m.effectiveFrom.toISOString(),
  };
}
