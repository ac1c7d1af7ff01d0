import type { Metadata } from "next";
import { UsageView } from "@/components/usage/usage-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { loadUsagePage } from "@/lib/metering/usage-page";
import { getOrganization } from "@/lib/orgs/organizations";
import { acknowledgeOwnAlert } from "./actions";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<{ meter?: string; window?: string; range?: string }>;
}) {
  const user = await requireCustomer();
  const org = await getOrganization(user.orgId);
  const data = await loadUsagePage(org, await searchParams);
  return (
    <>
      <PageHeader
        title="Usage"
        description="What your product sent, metered as your plan counts it. Numbers include every event accepted so far."
      />
      <UsageView data={data} acknowledge={acknowledgeOwnAlert} />
    </>
  );
}
