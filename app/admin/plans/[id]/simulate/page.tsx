import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SimulationResults } from "@/components/catalog/simulation-results";
import { PlanStatusBadge } from "@/components/catalog/plan-status-badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getPlan, listPlans, planVersions } from "@/lib/catalog/plans";
import { AppError } from "@/lib/http/errors";
import { ZSimulationRequest, type SimulationJson, type SimulationSort } from "@/lib/simulation/schemas";
import { simulatePlan } from "@/lib/simulation/simulate-plan";

export const metadata: Metadata = { title: "Simulate prices" };

type Search = { months?: string; compare_to?: string; sort?: string; order?: string; offset?: string };

const number = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

export default async function SimulatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Search>;
}) {
  await requireAdmin();
  const { id } = await params;
  const search = await searchParams;
  const plan = await getPlan(id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const [versions, others] = await Promise.all([planVersions(plan.code), listPlans({ includeInactive: true })]);
  const replaces = versions.length > 1;
  const choices = others.filter((p) => p.code !== plan.code && p.currency === plan.currency);

  // Runs when asked (the form, or the plan page's Simulate button); a plan that replaces no version waits for a choice.
  const asked = search.months !== undefined;
  const compareTo = search.compare_to || undefined;
  let result: SimulationJson | null = null;
  let error: string | null = null;
  if (asked) {
    const input = ZSimulationRequest.safeParse({
      months: number(search.months),
      compare_to: compareTo,
      sort: search.sort || undefined,
      order: search.order || undefined,
      offset: number(search.offset),
    });
    if (!input.success) {
      const issue = input.error.issues[0]!;
      error = `${issue.path.join(".") === "months" ? "Months: choose 1 to 24" : `${issue.path.join(".")}: ${issue.message}`}.`;
    } else if (!replaces && !compareTo) {
      error = "This plan replaces no earlier version: choose whose customers to rate it against.";
    } else {
      try {
        result = await simulatePlan(plan.id, input.data);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        error = e.message;
      }
    }
  }
  const months = number(search.months) ?? 12;
  const href = (change: { sort?: SimulationSort; order?: "asc" | "desc"; offset?: number }) => {
    const q = new URLSearchParams({ months: String(result?.window.months ?? months) });
    if (compareTo) q.set("compare_to", compareTo);
    const sort = change.sort ?? result?.customers.sort;
    const order = change.order ?? result?.customers.order;
    if (sort) q.set("sort", sort);
    if (order) q.set("order", order);
    if (change.offset) q.set("offset", String(change.offset));
    return `/admin/plans/${plan.id}/simulate?${q}`;
  };

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/admin/plans/${plan.id}`} className="text-brand-600 hover:text-brand-700">
          ← {plan.name} v{plan.version}
        </Link>
      </p>
      <PageHeader
        title="Simulate prices"
        description={`${plan.name} version ${plan.version}, rated against real usage of the last months next to what those customers pay today`}
        actions={<PlanStatusBadge plan={plan} />}
      />
      <Card className="mb-6">
        <CardBody>
          <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Simulation">
            <div className="w-32">
              <label htmlFor="sim-months" className="block text-sm font-medium text-zinc-700">
                Months
              </label>
              <input
                id="sim-months"
                name="months"
                type="number"
                min={1}
                max={24}
                required
                defaultValue={months}
                className={`${inputClass} mt-1`}
              />
            </div>
            <div className="min-w-0 flex-1 basis-64">
              <label htmlFor="sim-compare" className="block text-sm font-medium text-zinc-700">
                Customers
              </label>
              <select
                id="sim-compare"
                name="compare_to"
                defaultValue={compareTo ?? ""}
                className={`${inputClass} mt-1`}
              >
                {replaces ? (
                  <option value="">Subscribers of earlier versions of {plan.name}</option>
                ) : (
                  <option value="">Choose a plan…</option>
                )}
                {choices.map((p) => (
                  <option key={p.id} value={p.id}>
                    Subscribers of {p.name} ({p.interval}ly)
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className={buttonClass("primary")}>
              Simulate
            </button>
          </form>
          <p className="mt-2 text-xs text-zinc-500">
            Each customer&apos;s complete calendar months (UTC) are rated: the months they were subscribed for in full,
            with the usage they really had.
          </p>
          {error && (
            <div className="mt-3">
              <FormError message={error} />
            </div>
          )}
        </CardBody>
      </Card>
      {result ? (
        <SimulationResults result={result} href={href} />
      ) : (
        !error && (
          <p className="text-sm text-zinc-500">
            Choose the months and the customers, then Simulate: nothing changes for any customer.
          </p>
        )
      )}
    </>
  );
}
