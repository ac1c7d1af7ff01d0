import type { Operation } from "@/lib/http/openapi";
import { ZChargeListQuery, ZCustomerListQuery, ZEconomicsQuery, ZExportQuery, ZSeriesQuery, ZStatsQuery, ZSubscriptionListQuery } from "./schemas";

const DEFS = "Definitions: docs/metrics.md. Amounts are integers in minor units of `currency`; rates are decimal strings with 4 places (0.0500 = 5 %).";
const CSV = "Streamed as text/csv in batches (never the whole table in memory), with a header row.";

export const revenueOperations: Operation[] = [
  {
    method: "get", path: "/api/v1/admin/billing/stats", tag: "Admin", auth: "operator", query: ZStatsQuery,
    summary: "Customers, subscriptions by status, MRR, ARR, ARPU and the tier breakdown (count and MRR per tier), now",
    description: `From Tally's own subscriptions, never by listing Stripe. Yearly plans count one twelfth a month; trialing counts zero; discounts reduce MRR; past due stays in MRR until canceled; usage charges are not MRR. ${DEFS}`,
  },
  { method: "get", path: "/api/v1/admin/billing/customers", tag: "Admin", auth: "operator", query: ZCustomerListQuery, summary: "Customers with plan, status, MRR, credit balance and usage this month; searchable, sortable, cursor-paginated" },
  { method: "get", path: "/api/v1/admin/billing/subscriptions", tag: "Admin", auth: "operator", query: ZSubscriptionListQuery, summary: "Subscriptions filtered by status (or live), with MRR; sortable, cursor-paginated" },
  { method: "get", path: "/api/v1/admin/billing/recent-charges", tag: "Admin", auth: "operator", query: ZChargeListQuery, summary: "Charges (payments), newest first, with refunds and net amounts; filterable, sortable, cursor-paginated" },
  {
    method: "get", path: "/api/v1/admin/revenue/series", tag: "Admin", auth: "operator", query: ZSeriesQuery,
    summary: "Per month: MRR, new, expansion, contraction, churned and reactivation MRR, logo and revenue churn, net revenue retention, and the non-recurring revenue beside it",
    description: `Recomputed from the subscription history, so any past month can be asked for (at most 60 at a time). ${DEFS}`,
    responses: { "200": "OK", "400": "Invalid month range" },
  },
  {
    method: "get", path: "/api/v1/admin/revenue/economics", tag: "Admin", auth: "operator", query: ZEconomicsQuery,
    summary: "Credit and usage economics of a month: credit pack revenue, deferred revenue, breakage, credits granted vs consumed per tier, usage revenue, provider cost and margin per tier and per customer",
    description: DEFS,
  },
  { method: "get", path: "/api/v1/admin/export/customers.csv", tag: "Admin", auth: "operator", summary: "Every customer with plan, status, MRR and credit balance, as CSV", description: CSV, responses: { "200": "text/csv" } },
  { method: "get", path: "/api/v1/admin/export/subscriptions.csv", tag: "Admin", auth: "operator", summary: "Every subscription with plan, status, MRR and dates, as CSV", description: CSV, responses: { "200": "text/csv" } },
  { method: "get", path: "/api/v1/admin/export/invoices.csv", tag: "Admin", auth: "operator", query: ZExportQuery, summary: "Invoices (optionally issued in a range), as CSV", description: CSV, responses: { "200": "text/csv" } },
  { method: "get", path: "/api/v1/admin/export/usage.csv", tag: "Admin", auth: "operator", query: ZExportQuery, summary: "Usage per customer, meter, UTC hour and group (optionally in a range), as CSV: count, sum, max and latest from the rollups, then distinct values per hour for unique-count meters", description: CSV, responses: { "200": "text/csv" } },
];
