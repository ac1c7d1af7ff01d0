import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentView } from "@/components/agents/agent-view";
import { PageHeader } from "@/components/ui/page-header";
import { agentDetail } from "@/lib/agents/agent-page";
import { requireCustomer } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";

export const metadata: Metadata = { title: "Agent" };

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireCustomer();
  const { id } = await params;
  const d = await agentDetail(user.orgId, id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/agents" className="text-brand-600 hover:text-brand-700">
          ← Agents
        </Link>
      </p>
      <PageHeader title={d.agent.name} description={d.agent.description || undefined} />
      <AgentView plan={d.plan} history={d.history} total={d.total} calls={d.calls} />
    </>
  );
}
