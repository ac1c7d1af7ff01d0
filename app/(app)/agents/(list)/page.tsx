import type { Metadata } from "next";
import Link from "next/link";
import { AgentsTable } from "@/components/agents/agents-table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { agentsOverview } from "@/lib/agents/agent-page";
import { requireCustomer } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  const user = await requireCustomer();
  const rows = await agentsOverview(user.orgId);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Each agent is billed by its plan; a call is priced with the plan the agent had when the call started."
      />
      <Card>
        <AgentsTable
          rows={rows}
          hrefBase="/agents"
          emptyHint={
            <>
              Create agents from your backend with <code className="font-mono text-xs">POST /api/v1/agents</code> (see
              the{" "}
              <Link href="/docs" className="text-brand-600 underline">
                API docs
              </Link>
              ).
            </>
          }
        />
      </Card>
    </>
  );
}
