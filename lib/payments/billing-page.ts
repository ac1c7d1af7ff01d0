// Everything the customer's billing page shows, read from Tally's own records (so the page works
// while the payment provider is down, and says so).
import { formatFeatureValue, formatInteger } from "@/lib/format";
import "server-only";
import { featureIndex } from "@/lib/catalog/features";
import { listPlans } from "@/lib/catalog/plans";
import type { Plan } from "@/lib/db/schema";
import { listInvoices } from "@/lib/invoices/queries";
import { recentProviderOutage } from "@/lib/stripe/client";
import { billingSubscription, listPayments } from "./billing-queries";
import { listPaymentMethods } from "./payment-methods";
import { activeProvider } from "./provider";
import { upcomingInvoiceOrNull } from "./upcoming-invoice";
import { db } from "@/lib/db/client";
import { overridesByOrg } from "@/lib/overrides/overrides";
import { priceText } from "@/lib/overrides/describe";
import { customKeys, resolveTerms } from "@/lib/overrides/resolve";

import { addOnTermsLayer, type HeldAddon } from "@/lib/addons/grants";
import { customerAddons } from "@/lib/addons/subscription-addons";

export async function billingPage(orgId: string) {
  const now = new Date();
  const [summary, plans, features, invoices, methods, payments, upcoming, overrides, addons] = await Promise.all([
    billingSubscription(orgId),
    listPlans(),
    featureIndex(),
    listInvoices(orgId, 24),
    listPaymentMethods(orgId),
    listPayments(orgId, 24),
    // No current subscription: no upcoming invoice.
    upcomingInvoiceOrNull(orgId),
    overridesByOrg(db, [orgId], now),
    customerAddons(orgId),
  ]);
  const held: HeldAddon[] = addons.data.map((h) => ({
    quantity: h.quantity,
    features: h.addon.features,
    limits: h.addon.limits,
  }));
  // The plan as this customer has it: its add-ons' grants, then an operator's overrides in force, applied and marked.
  const terms = summary.plan
    ? resolveTerms(summary.plan, overrides.get(orgId) ?? [], now, { addOns: addOnTermsLayer(held) })
    : null;
  const ownPlan = summary.plan && terms ? { ...summary.plan, ...terms } : summary.plan;
  const custom = terms ? [...customKeys(terms)] : [];
  const customPrices = (terms?.charges ?? []).flatMap((c) =>
    c.type === "usage" && custom.includes(`charge:${c.meter}`)
      ? [{ name: c.name ?? c.meter, price: priceText(c) }]
      : [],
  );
  const tiers = new Map<
    string,
    {
      tier: string;
      name: string;
      description: string;
      includedCredits: number;
      limit: string | null;
      /** What the plan grants, as the cards list it ("Seats: 5 seats", "SSO (SAML)"). */
      features: string[];
      month?: { id: string; code: string; priceCents: number; currency: string; trialDays: number };
      year?: { id: string; code: string; priceCents: number; currency: string; trialDays: number };
    }
  >();
  // Only what is on sale (listPlans) and self-serve: drafts, plans off sale and operator-only plans stay out.
  for (const p of plans.filter((x) => x.selfServe)) {
    const t = tiers.get(p.tier) ?? {
      tier: p.tier,
      name: p.name,
      description: p.description,
      includedCredits: p.includedCredits,
      limit: p.limits.map((l) => `${formatInteger(l.limit)} ${l.meter.replace(/_/g, " ")} a month`).join(", ") || null,
      features: grantedFeatures(p),
    };
    t[p.interval] = {
      id: p.id,
      code: p.code,
      priceCents: p.basePriceCents,
      currency: p.currency,
      trialDays: p.trialDays,
    };
    tiers.set(p.tier, t);
  }
  function grantedFeatures(p: Plan): string[] {
    return p.features.flatMap((g) => {
      const f = features.byKey.get(g.feature);
      if (!f || g.value === false || g.value === 0) return [];
      return [f.kind === "boolean" ? f.name : `${f.name}: ${formatFeatureValue("numeric", Number(g.value), f.unit)}`];
    });
  }
  /** The plan's features (the customer's own: add-ons and overrides applied), for its summary: boolean ones "Included", numeric ones with their value. */
  function planFeatures(p: Plan): { key: string; name: string; value: string }[] {
    return p.features
      .flatMap((g) => {
        const f = features.byKey.get(g.feature);
        if (!f || g.value === false || g.value === 0) return [];
        const value =
          f.kind === "boolean"
            ? formatFeatureValue("boolean", true)
            : formatFeatureValue("numeric", Number(g.value), f.unit);
        return [{ key: f.key, name: f.name, value, order: f.sortOrder }];
      })
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
      .map(({ order: _order, ...f }) => f);
  }
  // Cheapest first, by the monthly price (a yearly-only tier by a twelfth of its price).
  const monthly = (t: { month?: { priceCents: number }; year?: { priceCents: number } }) =>
    t.month ? t.month.priceCents * 12 : (t.year?.priceCents ?? 0);
  return {
    summary,
    planFeatures: ownPlan ? planFeatures(ownPlan) : [],
    /** The current plan with this customer's overrides, which terms are custom, and its custom prices. */
    ownPlan,
    custom,
    customPrices,
    addons,
    tiers: [...tiers.values()].sort((a, b) => monthly(a) - monthly(b) || a.name.localeCompare(b.name)),
    invoices,
    methods,
    payments,
    upcoming,
    provider: activeProvider(),
    outage: activeProvider() === "stripe" ? recentProviderOutage() : null,
  };
}
