"use client";
// The public pricing page's body: a monthly/yearly switch (when both exist), a card per plan with
// its price and a button, and the features compared — a table from tablet width, each card's own
// list on a phone (no sideways scrolling).
import Link from "next/link";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import type { PublicPlanJson, PublicPlansJson } from "@/lib/catalog/public-schemas";
import { formatFeatureValue, formatInteger, formatMoney } from "@/lib/format";

export type PricingAudience = "visitor" | "customer" | "admin";

function planLink(plan: PublicPlanJson, audience: PricingAudience): { href: string; label: string } {
  if (audience === "admin") return { href: "/admin/plans", label: "Manage plans" };
  const start = plan.trial_days > 0 ? `Start ${plan.trial_days}-day free trial` : "Choose plan";
  if (audience === "customer") return { href: `/billing?plan=${encodeURIComponent(plan.code)}`, label: start };
  return { href: `/sign-up?plan=${encodeURIComponent(plan.code)}`, label: plan.trial_days > 0 ? start : "Sign up" };
}

export function PricingView({ plans, audience }: { plans: PublicPlansJson; audience: PricingAudience }) {
  const [interval, setInterval] = useState<"month" | "year">(plans.intervals[0] ?? "month");
  const shown = plans.data.filter((p) => p.interval === interval);
  const valueOf = (p: PublicPlanJson, key: string) => {
    const row = plans.features.find((f) => f.key === key)!;
    const v = p.features.find((g) => g.feature === key)?.value ?? null;
    return formatFeatureValue(row.kind, v, row.unit);
  };
  if (plans.data.length === 0)
    return (
      <div className="mx-auto mt-10 max-w-md">
        <EmptyState title="No plans on sale yet">
          Check back soon, or sign in if you already have an account.
        </EmptyState>
      </div>
    );
  return (
    <div className="mt-8 space-y-8">
      {plans.intervals.length > 1 && (
        <div className="flex justify-center">
          <div
            role="radiogroup"
            aria-label="Billing interval"
            className="inline-flex rounded-lg bg-white p-1 text-sm shadow-sm ring-1 ring-zinc-200"
          >
            {plans.intervals.map((i) => (
              <button
                key={i}
                type="button"
                role="radio"
                aria-checked={interval === i}
                onClick={() => setInterval(i)}
                className={cn(
                  "rounded-md px-4 py-1.5 font-medium",
                  interval === i ? "bg-brand-600 text-white shadow-sm" : "text-zinc-600 hover:text-zinc-900",
                )}
              >
                {i === "month" ? "Monthly" : "Yearly"}
              </button>
            ))}
          </div>
        </div>
      )}

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="pricing-cards">
        {shown.map((p) => {
          const link = planLink(p, audience);
          return (
            <section
              key={p.code}
              aria-labelledby={`plan-${p.code}`}
              className="flex min-w-0 flex-col rounded-xl border border-zinc-200 bg-white p-5 shadow-sm"
            >
              <h2 id={`plan-${p.code}`} className="font-semibold text-zinc-900">
                {p.name}
              </h2>
              <p className="tabular mt-2 text-3xl font-semibold text-zinc-900">
                {formatMoney(p.price_cents, p.currency)}
                <span className="text-sm font-normal text-zinc-500"> / {p.interval}</span>
              </p>
              <p className="mt-2 text-sm text-zinc-600">{p.description}</p>
              <ul className="mt-3 space-y-1 text-sm text-zinc-700">
                <li>{formatInteger(p.included_credits)} credits a month</li>
              </ul>
              {/* On a phone the comparison table gives way to each card's own list. */}
              <dl className="mt-3 space-y-1 border-t border-zinc-100 pt-3 text-sm md:hidden">
                {plans.features.map((f) => (
                  <div key={f.key} className="flex justify-between gap-3">
                    <dt className="text-zinc-600">{f.name}</dt>
                    <dd className="text-right font-medium text-zinc-900">{valueOf(p, f.key)}</dd>
                  </div>
                ))}
              </dl>
              <div className="mt-auto pt-5">
                <Link
                  href={link.href}
                  className={cn(buttonClass("primary"), "w-full justify-center")}
                  aria-label={`${link.label}: ${p.name} (${p.interval === "month" ? "monthly" : "yearly"})`}
                >
                  {link.label}
                </Link>
              </div>
            </section>
          );
        })}
      </div>

      {plans.features.length > 0 && shown.length > 0 && (
        <div className="hidden overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm md:block">
          <table className="w-full text-sm" data-testid="feature-table">
            <caption className="sr-only">Features by plan, {interval === "month" ? "monthly" : "yearly"}</caption>
            <thead className="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-500">
              <tr>
                <th scope="col" className="px-4 py-3">
                  Feature
                </th>
                {shown.map((p) => (
                  <th key={p.code} scope="col" className="px-4 py-3 text-right">
                    {p.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {plans.features.map((f) => (
                <tr key={f.key}>
                  <th scope="row" className="px-4 py-3 text-left font-medium text-zinc-900">
                    {f.name}
                  </th>
                  {shown.map((p) => (
                    <td key={p.code} className="tabular px-4 py-3 text-right text-zinc-700">
                      {valueOf(p, f.key)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
