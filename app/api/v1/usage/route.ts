import { route } from "@/lib/http/route";
import { customerUsage, customerUsageJson } from "@/lib/metering/customer-usage";
import { ZCustomerUsageJson, ZUsageQuery } from "@/lib/metering/schemas";
import { getOrganization } from "@/lib/orgs/organizations";

export const GET = route(
  {
    path: "/api/v1/usage",
    auth: "any",
    query: ZUsageQuery,
    customer: "query",
    fast: true,
    doc: {
      tag: "Usage",
      response: ZCustomerUsageJson,
      summary: "Quantities per meter over from/to, by window (hour, day, month) and group",
      description:
        "Read from hourly rollups kept current at ingest (never the raw events), so ranges are whole UTC hours: `from` is rounded down, `to` too except that a `to` inside the current hour includes it. Values are decimal strings; max and latest are null where nothing was sent. unique_count is exact for any range (distinct values per day with an hour mask).",
    },
  },
  async ({ query, customerId }) => {
    const org = await getOrganization(customerId);
    return customerUsageJson(org, await customerUsage(org, query));
  },
);
