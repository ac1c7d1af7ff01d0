// Everything the customer's overview shows, loaded in parallel from the same reads the usage,
// credits and billing pages use (no figure is defined twice): this period per meter against the
// plan's limits, the credit balance, open alerts, the upcoming invoice, and "customer since".
import "server-only";
import { alertJson, countOpenAlerts, listAlerts } from "@/lib/alerts/alerts";
import { listMembers } from "@/lib/auth/users";
import { getCreditBalance } from "@/lib/credits/balance";
import { exactBalanceJson } from "@/lib/credits/drawdown-read";
import type { Organization } from "@/lib/db/schema";
import { customerPeriodUsage } from "@/lib/metering/usage-page";
import { upcomingInvoiceOrNull } from "@/lib/payments/upcoming-invoice";
import { currentSubscription } from "@/lib/subscriptions/queries";
import { customerSince } from "./customer-since";

export async function loadOverviewPage(org: Organization, now = new Date()) {
  const [current, members, since, usage, balance, openAlerts, openAlertCount, upcoming] = await Promise.all([
    currentSubscription(org.id),
    listMembers(org.id),
    customerSince(org),
    customerPeriodUsage(org, now),
    getCreditBalance(org.id, { now, includeSpent: true }).then((v) => (v ? exactBalanceJson(org.id, v) : null)),
    listAlerts(org.id, { status: "open", limit: 3 }),
    countOpenAlerts(org.id),
    upcomingInvoiceOrNull(org.id, now),
  ]);
  return {
    current,
    members,
    since,
    usage: usage.billing,
    credits: balance,
    alerts: { open: openAlerts.data.map(alertJson), count: openAlertCount },
    upcoming,
  };
}
