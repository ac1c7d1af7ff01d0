import type { Operation } from "@/lib/http/openapi";
import { ZPlanImport } from "./import-plans";
import { ZCreditEventCreate, ZCreditEventPatch, ZCreditProductCreate, ZCreditProductPatch, ZMeterCreate, ZMeterPatch, ZModelPriceCreate, ZPlanCreate, ZPlanList, ZPlanPatch } from "./schemas";

const writes = { "400": "Invalid field (details name each one)", "401": "No credentials", "403": "Not an admin or platform key" };

export const catalogOperations: Operation[] = [
  { method: "get", path: "/api/v1/meters", tag: "Catalog", auth: "any", summary: "List meters" },
  { method: "post", path: "/api/v1/meters", tag: "Catalog", auth: "operator", summary: "Create a meter", body: ZMeterCreate, responses: { "201": "Created", ...writes, "409": "Code in use" } },
  { method: "get", path: "/api/v1/meters/{id}", tag: "Catalog", auth: "any", summary: "A meter, by id or code", responses: { "200": "OK", "404": "Not found" } },
  { method: "patch", path: "/api/v1/meters/{id}", tag: "Catalog", auth: "operator", summary: "Rename, change the unit of, or archive a meter", description: "Aggregation, property, filters and group-by shape the rollups written at ingest and cannot change: create a new meter instead.", body: ZMeterPatch, responses: { "200": "OK", ...writes, "404": "Not found" } },
  { method: "get", path: "/api/v1/plans", tag: "Plans", auth: "any", summary: "Plans for sale, with their charges", query: ZPlanList },
  { method: "post", path: "/api/v1/plans", tag: "Plans", auth: "operator", summary: "Create a plan with its charges", body: ZPlanCreate, responses: { "201": "Created", ...writes, "409": "Code exists" } },
  { method: "get", path: "/api/v1/plans/{id}", tag: "Plans", auth: "any", summary: "A plan version", responses: { "200": "OK", "404": "Not found" } },
  { method: "patch", path: "/api/v1/plans/{id}", tag: "Plans", auth: "operator", summary: "Change a plan", description: "Names, description, order and the active flag change in place. Any billing term (price, interval, currency, trial, included credits, limits, charges) creates a new version; subscriptions and calls keep the version they were made with.", body: ZPlanPatch, responses: { "200": "OK (new_version tells whether a version was made)", ...writes, "404": "Not found", "409": "Not the newest version" } },
  { method: "post", path: "/api/v1/plans/{id}/archive", tag: "Plans", auth: "operator", summary: "Take a plan off sale (subscribers keep it)", responses: { "200": "OK", "404": "Not found" } },
  { method: "post", path: "/api/v1/plans/sync", tag: "Plans", auth: "operator", summary: "Sync all plans from Stripe products and prices", description: "Each recurring monthly or yearly price becomes a plan, upserted by Stripe price id; a new price on the same product and interval is a new version; archived prices take their plan off sale. Product metadata `tally_tier`, `tally_plan_code`, `included_credits` and `trial_days` are read. Running it again changes nothing.", responses: { "200": "{synced_count, plan_ids, created, updated, versioned, unchanged, archived, skipped}", "503": "Stripe not configured or unreachable" } },
  { method: "post", path: "/api/v1/plans/sync/{plan_id}", tag: "Plans", auth: "operator", summary: "Sync one Stripe-linked plan", responses: { "200": "Report", "400": "Plan not linked to Stripe", "404": "Not found", "503": "Stripe unreachable" } },
  { method: "post", path: "/api/v1/plans/import", tag: "Plans", auth: "operator", summary: "Import FlexPrice-style plan JSON", description: "Usage charges (`usage_metric`, `rate`) become per-unit charges on that meter; fixed charges keep their `amount`. Upserted by the plan's source `id`: the same import again changes nothing; a changed price makes a new version. All or nothing.", body: ZPlanImport, responses: { "200": "{synced_count, plan_ids, created, updated, versioned, unchanged}", "400": "Invalid field (e.g. plans.0.charges.0.usage_metric names no meter)" } },
  { method: "get", path: "/api/v1/credit-events", tag: "Catalog", auth: "any", summary: "Credit events and their credit cost" },
  { method: "post", path: "/api/v1/credit-events", tag: "Catalog", auth: "operator", summary: "Create a credit event", body: ZCreditEventCreate, responses: { "201": "Created", ...writes, "409": "Code exists" } },
  { method: "patch", path: "/api/v1/credit-events/{id}", tag: "Catalog", auth: "operator", summary: "Change or deactivate a credit event (by id or code)", body: ZCreditEventPatch, responses: { "200": "OK", ...writes, "404": "Not found" } },
  { method: "get", path: "/api/v1/credit-products", tag: "Catalog", auth: "any", summary: "Credit packs for sale" },
  { method: "post", path: "/api/v1/credit-products", tag: "Catalog", auth: "operator", summary: "Create a credit pack", body: ZCreditProductCreate, responses: { "201": "Created", ...writes, "409": "Code exists" } },
  { method: "patch", path: "/api/v1/credit-products/{id}", tag: "Catalog", auth: "operator", summary: "Rename or take a credit pack off sale", body: ZCreditProductPatch, responses: { "200": "OK", ...writes, "404": "Not found" } },
  { method: "get", path: "/api/v1/model-prices", tag: "Catalog", auth: "any", summary: "Provider prices per token, by model and date" },
  { method: "post", path: "/api/v1/model-prices", tag: "Catalog", auth: "operator", summary: "Record a provider's price for a model from a date", body: ZModelPriceCreate, responses: { "201": "Created", ...writes, "409": "Already priced from that date" } },
];
