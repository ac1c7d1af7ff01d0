// One well-formed request per documented operation (the route declarations, tests/support/api-operations.ts), against the seeded world
// (tests/support/world.ts). The authorization matrix sends them as every principal; the fuzzer
// mutates them. `target` is the organization whose objects the request names; `named` says whether
// it names that organization too (customer_id in the body or query), as an operator must and as a
// customer trying another customer's data would.
import { uid } from "./fixtures";
import type { Org, World } from "./world";

export type Sample = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };
type Make = (w: World, target: Org, named: boolean) => Sample;

const ik = () => ({ idempotency_key: `k-${uid()}` });
const who = (t: Org, named: boolean): Record<string, string> => (named ? { customer_id: t.id } : {});

export const SAMPLES: Record<string, Make> = {
  "GET /api/health": () => ({}),
  "GET /api/metrics": () => ({}),
  "GET /api/v1/openapi.json": () => ({}),
  "POST /api/webhooks/stripe": () => ({ body: { id: "evt_x", type: "invoice.paid" } }),

  "GET /api/v1/customers": () => ({}),
  "POST /api/v1/customers": () => ({ body: { name: "New customer", external_id: `new-${uid()}` } }),
  "GET /api/v1/customers/{id}": (_w, t) => ({ params: { id: t.id } }),
  "PATCH /api/v1/customers/{id}": (_w, t) => ({ params: { id: t.id }, body: { metadata: { touched: "yes" } } }),
  "GET /api/v1/customers/{id}/usage-summary": (_w, t) => ({ params: { id: t.id } }),
  "GET /api/v1/customers/{id}/overrides": (_w, t) => ({ params: { id: t.id } }),
  "POST /api/v1/customers/{id}/overrides": (w, t) => ({
    params: { id: t.id },
    body: { kind: "feature", target: w.catalog.feature.key, value: { value: true }, reason: "sample" },
  }),
  "DELETE /api/v1/customers/{id}/overrides/{overrideId}": (_w, t) => ({
    params: { id: t.id, overrideId: t.overrideId },
  }),

  "GET /api/v1/meters": () => ({}),
  "POST /api/v1/meters": () => ({
    body: { code: `m_${uid()}`, name: "A meter", event_name: `ev_${uid()}`, aggregation: "count" },
  }),
  "GET /api/v1/meters/{id}": (w) => ({ params: { id: w.catalog.meter.id } }),
  "PATCH /api/v1/meters/{id}": (w) => ({ params: { id: w.catalog.spareMeter.id }, body: { unit: "unit" } }),
  "GET /api/v1/coupons": () => ({}),
  "POST /api/v1/coupons": () => ({
    body: { code: `C${uid()}`.replace(/[^A-Za-z0-9]/g, ""), name: "Ten off", percent_off: "10", duration: "once" },
  }),
  "GET /api/v1/promotion-codes": () => ({}),
  "POST /api/v1/promotion-codes": (w) => ({
    body: { coupon_id: w.catalog.coupon.id, code: `P${uid()}`.replace(/[^A-Za-z0-9]/g, "") },
  }),
  "PATCH /api/v1/promotion-codes/{id}": (w) => ({ params: { id: w.catalog.promo.id }, body: { active: true } }),
  "GET /api/v1/tax-rates": () => ({}),
  "POST /api/v1/tax-rates": () => ({
    body: { country: "ZZ", region: uid().toUpperCase(), name: "Sales tax", percentage: "7.25" },
  }),
  "PATCH /api/v1/tax-rates/{id}": (w) => ({ params: { id: w.catalog.taxRate.id }, body: { name: "World tax" } }),
  "GET /api/v1/reports/tax": () => ({ query: { from: "2026-01-01", to: "2026-12-31" } }),
  "GET /api/v1/plans": () => ({ query: { include_inactive: "true" } }),
  "POST /api/v1/plans": () => ({ body: { code: `p-${uid()}`, name: "A plan", interval: "month", base_price: "10" } }),
  "GET /api/v1/plans/{id}": (w) => ({ params: { id: w.catalog.plan.id } }),
  "PATCH /api/v1/plans/{id}": (w) => ({ params: { id: w.catalog.sparePlan.id }, body: { name: "Spare plan" } }),
  "PUT /api/v1/plans/{id}/billing-threshold": (w) => ({
    params: { id: w.catalog.sparePlan.id },
    body: { amount_cents: 50_000 },
  }),
  "POST /api/v1/plans/{id}/archive": (w) => ({ params: { id: w.catalog.sparePlan.id } }),
  "POST /api/v1/plans/{id}/simulate": (w) => ({
    params: { id: w.catalog.sparePlan.id },
    body: { months: 3, compare_to: w.catalog.sparePlan.id },
  }),
  "POST /api/v1/plans/{id}/publish": (w) => ({ params: { id: w.catalog.plan.id } }),
  "POST /api/v1/plans/sync": () => ({}),
  "POST /api/v1/plans/sync/{plan_id}": (w) => ({ params: { plan_id: w.catalog.sparePlan.id } }),
  "GET /api/v1/imports": () => ({}),
  "POST /api/v1/imports/flexprice": (w) => ({
    body: { api_url: w.sources.flexprice.url, api_key: w.sources.flexprice.key, dry_run: true },
  }),
  "POST /api/v1/imports/lago": (w) => ({
    body: { api_url: w.sources.lago.url, api_key: w.sources.lago.key, dry_run: true },
  }),
  "DELETE /api/v1/imports/schedules/{source}": () => ({ params: { source: "lago" } }),
  "POST /api/v1/plans/import": () => ({ body: { plans: [{ id: `imp-${uid()}`, name: "Imported", base_price: "5" }] } }),
  "GET /api/v1/credit-events": () => ({}),
  "POST /api/v1/credit-events": () => ({ body: { code: `ce_${uid()}`, name: "An event", credits: 3 } }),
  "PATCH /api/v1/credit-events/{id}": (w) => ({
    params: { id: w.catalog.spareEvent.id },
    body: { category: "general" },
  }),
  "GET /api/v1/credit-meter-links": () => ({}),
  "POST /api/v1/credit-meter-links": (w) => ({
    body: {
      meter: w.catalog.spareMeter.code,
      credit_event: w.catalog.creditEvent.code,
      // The world's spare link filters on "never": a value of its own keeps each sample's link disjoint from it.
      filters: { never: [`m-${uid()}`] },
    },
  }),
  "DELETE /api/v1/credit-meter-links/{id}": (w) => ({ params: { id: w.catalog.spareLink.id } }),
  "GET /api/v1/credit-products": () => ({}),
  "POST /api/v1/credit-products": () => ({ body: { code: `pk_${uid()}`, name: "A pack", credits: 10, price: "5" } }),
  "PATCH /api/v1/credit-products/{id}": (w) => ({
    params: { id: w.catalog.spareProduct.id },
    body: { name: "Spare pack" },
  }),
  "GET /api/v1/model-prices": () => ({}),
  "POST /api/v1/model-prices": () => ({
    body: {
      provider: "openai",
      model: `m-${uid()}`,
      input_price_per_token: "0.000001",
      output_price_per_token: "0.000002",
    },
  }),

  "GET /api/v1/subscriptions": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/subscriptions": (w, t) => ({ body: { customer_id: t.id, plan: w.catalog.otherPlan.id } }),
  "GET /api/v1/subscriptions/{id}": (_w, t) => ({ params: { id: t.subscriptionId } }),
  "DELETE /api/v1/subscriptions/{id}/discount": (_w, t) => ({ params: { id: t.subscriptionId } }),

  "POST /api/v1/events": (w, t, n) => ({
    body: { event_name: w.catalog.meter.eventName, ...who(t, n), event_id: `e-${uid()}`, properties: { value: 1 } },
  }),
  "POST /api/v1/events/bulk": (w, t, n) => ({
    body: {
      events: [
        { event_name: w.catalog.meter.eventName, ...who(t, n), event_id: `e-${uid()}`, properties: { value: 1 } },
      ],
    },
  }),
  "POST /api/v1/events/retract": (_w, t, n) => ({
    body: { ...who(t, n), reason: "a sample correction", event_ids: [`e-${uid()}`], ...ik() },
  }),
  "GET /api/v1/usage-corrections": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/events/batch": (w, t) => ({
    body: {
      events: [
        {
          transaction_id: `t-${uid()}`,
          code: w.catalog.meter.eventName,
          external_customer_id: t.externalId,
          properties: { value: 1 },
        },
      ],
    },
  }),
  "GET /api/v1/events": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/usage": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/entitlements": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/addons": () => ({}),
  "POST /api/v1/addons": () => ({ body: { code: `a-${uid()}`, name: "An add-on", kind: "one_time", price: "5" } }),
  "GET /api/v1/addons/{id}": (w) => ({ params: { id: w.catalog.addon.code } }),
  "PATCH /api/v1/addons/{id}": (w) => ({ params: { id: w.catalog.addon.id }, body: { name: "World add-on" } }),
  "GET /api/v1/features": () => ({}),
  "POST /api/v1/features": () => ({ body: { key: `f_${uid()}`, kind: "boolean", name: "A feature" } }),
  "GET /api/v1/features/{id}": (w) => ({ params: { id: w.catalog.feature.key } }),
  "PATCH /api/v1/features/{id}": (w) => ({ params: { id: w.catalog.feature.id }, body: { name: "World feature" } }),
  "GET /api/v1/public/plans": () => ({}),
  "GET /api/v1/entitlements/{feature}": (w, t, n) => ({ params: { feature: w.catalog.meter.code }, query: who(t, n) }),
  "GET /api/v1/billing/usage": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/alerts": (_w, t, n) => ({ query: { ...who(t, n), status: "all" } }),
  "POST /api/v1/alerts/{id}/acknowledge": (_w, t) => ({ params: { id: t.alertId } }),

  "GET /api/v1/webhook-endpoints": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/webhook-endpoints": (_w, t, n) => ({
    body: { ...who(t, n), url: "https://hooks.example.com/new", event_types: ["invoice.paid"] },
  }),
  "GET /api/v1/webhook-endpoints/{id}": (_w, t) => ({ params: { id: t.webhookEndpointId } }),
  "PATCH /api/v1/webhook-endpoints/{id}": (_w, t) => ({
    params: { id: t.webhookEndpointId },
    body: { description: "touched" },
  }),
  "DELETE /api/v1/webhook-endpoints/{id}": (_w, t) => ({ params: { id: t.spareWebhookEndpointId } }),
  "POST /api/v1/webhook-endpoints/{id}/rotate-secret": (_w, t) => ({ params: { id: t.webhookEndpointId } }),
  "GET /api/v1/webhook-endpoints/{id}/deliveries": (_w, t) => ({ params: { id: t.webhookEndpointId } }),
  "POST /api/v1/webhook-endpoints/{id}/test": (_w, t) => ({ params: { id: t.webhookEndpointId } }),
  "POST /api/v1/webhook-deliveries/{id}/replay": (_w, t) => ({ params: { id: t.webhookDeliveryId } }),

  "GET /api/v1/agents": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/agents": (_w, t, n) => ({ body: { ...who(t, n), name: `Agent ${uid()}` } }),
  "GET /api/v1/agents/{agent_id}": (_w, t) => ({ params: { agent_id: t.agentId } }),
  "POST /api/v1/agents/{agent_id}/assign-plan": (_w, t) => ({
    params: { agent_id: t.agentId },
    body: { plan_id: null },
  }),
  "GET /api/v1/agents/{agent_id}/pricing-history": (_w, t) => ({ params: { agent_id: t.agentId } }),
  "GET /api/v1/calls": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/calls": (_w, t) => ({ body: { agent_id: t.agentId } }),
  "GET /api/v1/calls/{call_id}": (_w, t) => ({ params: { call_id: t.callId } }),
  "POST /api/v1/calls/{call_id}/finalize-cost": (_w, t) => ({
    params: { call_id: t.callId },
    body: { usage_metrics: { input_tokens: 10 } },
  }),

  "GET /api/v1/credits": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/credits/transactions": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/credits/consume": (w, t, n) => ({
    body: { ...who(t, n), event_name: w.catalog.creditEvent.code, quantity: 1, ...ik() },
  }),
  "POST /api/v1/credits/reservations": (_w, t, n) => ({ body: { ...who(t, n), credits: 1, ...ik() } }),
  "GET /api/v1/credits/reservations/{id}": (_w, t) => ({ params: { id: t.reservationId } }),
  "POST /api/v1/credits/reservations/{id}/commit": (_w, t, n) => ({
    params: { id: t.reservationId },
    body: { ...who(t, n), credits: 1 },
  }),
  "POST /api/v1/credits/reservations/{id}/release": (_w, t, n) => ({
    params: { id: t.reservationId },
    body: { ...who(t, n) },
  }),
  "POST /api/v1/credits/grants": (_w, t, n) => ({ body: { ...who(t, n), amount: 5, reason: "matrix", ...ik() } }),
  "POST /api/v1/credits/adjustments": (_w, t, n) => ({ body: { ...who(t, n), amount: 1, reason: "matrix", ...ik() } }),
  "POST /api/v1/credits/refunds": (_w, t, n) => ({
    body: { ...who(t, n), consumption_id: t.consumptionId, credits: 1, reason: "matrix", ...ik() },
  }),
  "GET /api/v1/credits/settings": (_w, t, n) => ({ query: who(t, n) }),
  "PATCH /api/v1/credits/settings": (_w, t, n) => ({ body: { ...who(t, n), low_balance_threshold: 10 } }),
  "GET /api/v1/billing/details": (_w, t, n) => ({ query: who(t, n) }),
  "PATCH /api/v1/billing/details": (_w, t, n) => ({
    body: {
      ...who(t, n),
      billing_name: "Sample GmbH",
      country: "DE",
      tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
    },
  }),
  "GET /api/v1/billing/spending-cap": (_w, t, n) => ({ query: who(t, n) }),
  "PUT /api/v1/billing/spending-cap": (_w, t, n) => ({ body: { ...who(t, n), amount_cents: 100_000, mode: "soft" } }),
  "GET /api/v1/credits/auto-top-up": (_w, t, n) => ({ query: who(t, n) }),
  "PUT /api/v1/credits/auto-top-up": (w, t, n) => ({
    body: { ...who(t, n), enabled: false, threshold_credits: 100, credit_product_id: w.catalog.product.id },
  }),

  // Every /api/v1/billing/* endpoint: a customer acts for itself; an operator (a platform key) names the customer.
  "GET /api/v1/billing/subscription": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/billing/invoices": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/billing/upcoming-invoice": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/billing/dashboard": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/billing/invoices/{id}/pdf": (_w, t) => ({ params: { id: t.invoiceId } }),
  "GET /api/v1/billing/payment-methods": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/billing/history": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/billing/checkout": (w, t, n) => ({ body: { ...who(t, n), credit_product_id: w.catalog.product.id } }),
  "POST /api/v1/billing/portal": (_w, t, n) => ({ body: who(t, n) }),
  "POST /api/v1/billing/subscription/cancel": (_w, t, n) => ({ body: who(t, n) }),
  "POST /api/v1/billing/subscription/resume": (_w, t, n) => ({ body: who(t, n) }),
  "GET /api/v1/billing/addons": (_w, t, n) => ({ query: who(t, n) }),
  "POST /api/v1/billing/addons": (w, t, n) => ({
    body: { ...who(t, n), addon: w.catalog.addon.code, quantity: 1, preview: true },
  }),
  "POST /api/v1/billing/subscription/change-plan": (w, t, n) => ({
    body: { ...who(t, n), plan_id: w.catalog.otherPlan.id, preview: true },
  }),

  "POST /api/v1/admin/invoices/{id}/mark-paid": (_w, t) => ({
    params: { id: t.invoiceId },
    body: { method: "bank_transfer", reference: `TR-${uid()}` },
  }),
  "POST /api/v1/invoices/{id}/void": (_w, t) => ({
    params: { id: t.voidInvoiceId },
    body: { reason: "Issued by mistake" },
  }),
  "POST /api/v1/invoices/{id}/credit-notes": (_w, t) => ({
    params: { id: t.paidInvoiceId },
    body: { reason: "Goodwill", outcome: "next_invoice_balance", amount_cents: 1, ...ik() },
  }),
  "GET /api/v1/credit-notes": (_w, t, n) => ({ query: who(t, n) }),
  "GET /api/v1/credit-notes/{id}": (_w, t) => ({ params: { id: t.creditNoteId } }),
  "GET /api/v1/credit-notes/{id}/pdf": (_w, t) => ({ params: { id: t.creditNoteId } }),
  "POST /api/v1/credit-notes/{id}/void": (_w, t) => ({
    params: { id: t.creditNoteId },
    body: { reason: "Issued by mistake" },
  }),
  "GET /api/v1/settings/invoicing": () => ({}),
  "PATCH /api/v1/settings/invoicing": () => ({ body: { invoice_footer: "Thank you for your business." } }),
  "POST /api/v1/admin/stripe/adopt": () => ({ body: { dry_run: true } }),
  "GET /api/v1/admin/webhooks": () => ({}),
  "POST /api/v1/admin/webhooks/{id}/replay": () => ({ params: { id: "evt_missing" } }),
  "GET /api/v1/admin/billing/stats": () => ({}),
  "GET /api/v1/admin/billing/customers": () => ({}),
  "GET /api/v1/admin/billing/subscriptions": () => ({}),
  "GET /api/v1/admin/billing/recent-charges": () => ({}),
  "GET /api/v1/admin/revenue/series": () => ({}),
  "GET /api/v1/admin/revenue/economics": () => ({}),
  "GET /api/v1/admin/export/customers.csv": () => ({}),
  "GET /api/v1/admin/export/subscriptions.csv": () => ({}),
  "GET /api/v1/admin/export/invoices.csv": () => ({}),
  "GET /api/v1/admin/export/usage.csv": () => ({}),
};

/** The route module file of a documented path: {param} segments are [param] folders. */
export const routeFile = (apiPath: string) => `${process.cwd()}/app${apiPath.replace(/\{(\w+)\}/g, "[$1]")}/route.ts`;

/** The URL of a sample: path parameters filled in (escaped), the query appended. */
export function sampleUrl(apiPath: string, s: Sample): string {
  const p = apiPath.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(s.params?.[k] ?? "x"));
  const q = new URLSearchParams(s.query ?? {}).toString();
  return q ? `${p}?${q}` : p;
}
