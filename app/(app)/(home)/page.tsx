import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { PlanSummary } from "@/components/billing/plan-summary";
import { MembersTable } from "@/components/orgs/members-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Detail, Details } from "@/components/ui/details";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { AlertsSummary } from "@/components/overview/alerts-summary";
import { CreditsCard, UpcomingInvoiceCard } from "@/components/overview/overview-cards";
import { UsageSummary } from "@/components/overview/usage-summary";
import { QueryProvider } from "@/components/providers/query-provider";
import { formatDate } from "@/lib/format";
import { getOrganization } from "@/lib/orgs/organizations";
import { loadOverviewPage } from "@/lib/orgs/overview-page";

export const metadata: Metadata = { title: "Overview" };

export default async function CustomerHome() {
  const user = await requireCustomer();
  const org = await getOrganization(user.orgId);
  const { current, members, since, usage, credits, alerts, upcoming } = await loadOverviewPage(org);
  return (
    <>
      <PageHeader title={org.name} description={`Signed in as ${user.name} (${user.role}).`} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Current plan" />
          <CardBody>
            <PlanSummary
              current={current}
              emptyAction={
                <Link href="/billing" className={buttonClass()}>
                  Choose a plan
                </Link>
              }
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Organization" />
          <CardBody>
            <Details>
              <Detail label="Customer id" kind="id">
                {org.id}
              </Detail>
              <Detail label="External id" kind="id">
                {org.externalId ?? "—"}
              </Detail>
              <Detail label="Billing email">{org.email ?? "—"}</Detail>
              <Detail label="Customer since" testId="customer-since">
                {formatDate(since)}
              </Detail>
            </Details>
          </CardBody>
        </Card>
        <QueryProvider>
          <UpcomingInvoiceCard initial={upcoming} />
          <CreditsCard initial={credits} />
        </QueryProvider>
        <AlertsSummary open={alerts.open} count={alerts.count} />
        <div className="min-w-0 lg:col-span-3">
          <UsageSummary usage={usage} />
        </div>
        <Card className="lg:col-span-3">
          <CardHeader
            title="Members"
            description={`${members.length} ${members.length === 1 ? "person" : "people"} in ${org.name}.`}
          />
          <MembersTable members={members} />
        </Card>
      </div>
    </>
  );
}
