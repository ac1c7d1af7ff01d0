import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentView } from "@/components/agents/agent-view";
import { AssignPlanForm } from "@/components/agents/assign-plan-form";
import { PageHeader } from "@/components/ui/page-header";
import { agentDetail } from "@/lib/agents/agent-page";
import { agentOrg } from "@/lib/agents/agents";
import { requireAdmin } from "@/lib/auth/session";
import { listPlans } from "@/lib/catalog/plans";
import { AppError } from "@/lib/http/errors";
import { getOrganization } from "@/lib/orgs/organizations";
import { assignPlanAction } from "../actions";

export const metadata: Metadata = { title: "Agent" };

export default async function AdminAgentPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const orgId = await agentOrg(id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const [d, org, plans] = await Promise.all([agentDetail(orgId, id), getOrganization(orgId), listPlans()]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/admin/customers/${org.id}`} className="text-brand-600 hover:text-brand-700">
          ← {org.name}
        </Link>
      </p>
      <PageHeader title={d.agent.name} description={`Agent of ${org.name}`} />
      <AgentView
        plan={d.plan}
        history={d.history}
        total={d.total}
        calls={d.calls}
        planAction={
          <AssignPlanForm
            agentId={d.agent.id}
            currentPlanId={d.plan?.id ?? null}
            plans={plans.map((p) => ({ id: p.id, label: `${p.name} (${p.code} v${p.version})` }))}
            action={assignPlanAction}
          />
        }
      />
    </>
  );
}
