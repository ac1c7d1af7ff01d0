// A customer's billing dashboard in one read (the ALwrity guide's dashboard call): the same reads
// the separate billing endpoints answer — subscription, usage today and this month, the plan's
// limits, open alerts, credits, the upcoming invoice — loaded in parallel, so no figure is defined twice.
import "server-only";
import { alertJson, countOpenAlerts, listAlerts } from "@/lib/alerts/alerts";
import { getCreditBalance } from "@/lib/credits/balance";
import { exactBalanceJson } from "@/lib/credits/drawdown-read";
import { listEntitlements } from "@/lib/entitlements/list-entitlements";
import { billingUsage } from "@/lib/metering/billing-usage";
import { getOrganization } from "@/lib/orgs/organizations";
import { billingSubscription, subscriptionSummaryJson } from "./billing-queries";
import type { BillingDashboardJson } from "./schemas";
import { upcomingInvoiceOrNull } from "./upcoming-invoice";

/** Alerts the dashboard lists; `alerts.open_count` counts them all. */
const DASHBOARD_ALERTS = 10;

export async function billingDashboard(orgId: string, now = new Date()): Promise<BillingDashboardJson> {
  const org = await getOrganization(orgId);
  const [subscription, usage, entitlements, alerts, openAlerts, credits, upcoming] = await Promise.all([
    billingSubscription(orgId),
    billingUsage(org, now),
    listEntitlements(orgId, { ownOrgId: orgId, now }),
    listAlerts(orgId, { status: "open", limit: DASHBOARD_ALERTS }),
    countOpenAlerts(orgId),
    getCreditBalance(orgId, { now }).then((v) => (v ? exactBalanceJson(orgId, v) : null)),
    upcomingInvoiceOrNull(orgId, now),
  ]);
  return {
    object: "billing_dashboard",
    customer_id: org.id,
    external_customer_id: org.externalId,
    as_of: now.toISOString(),
    subscription: subscriptionSummaryJson(subscription),
    usage,
    limits: entitlements.data.filter((e) => e.kind === "metered"),
    alerts: { open_count: openAlerts, data: alerts.data.map(alertJson) },
    credits,
    upcoming_invoice: upcoming,
  };
}
