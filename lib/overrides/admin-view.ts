// What the admin's customer page shows of overrides: the history with names for who gave and who
// revoked, the terms in force now (for the "custom" marks on the plan) and the choices the forms offer.
import "server-only";
import { describeActors } from "@/lib/auth/describe-actors";
import { featureIndex } from "@/lib/catalog/features";
import type { Plan } from "@/lib/db/schema";
import { meterIndex } from "@/lib/metering/meters";
import { OVERRIDE_KIND_LABEL, overrideValueText, priceText } from "./describe";
import { LIMIT } from "./form";
import { listOverrides, overrideStatus } from "./overrides";
import { resolveTerms, type EffectiveTerms } from "./resolve";

export type OverrideHistoryRow = {
  id: string;
  kind: string;
  target: string | null;
  value: string;
  reason: string;
  startsAt: Date;
  endsAt: Date | null;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  revokedBy: string | null;
  status: "scheduled" | "active" | "ended" | "revoked";
};

export type CustomerOverridesView = {
  history: OverrideHistoryRow[];
  /** The plan's terms with the overrides in force now; null without a plan. */
  terms: EffectiveTerms | null;
  /** The usage charges as they price now: meter, price in words, custom or not. */
  prices: { meter: string; name: string; price: string; custom: boolean }[];
  meterOptions: { value: string; label: string }[];
  featureOptions: { value: string; label: string }[];
};

export async function customerOverridesView(
  orgId: string,
  plan: Plan | null,
  now = new Date(),
): Promise<CustomerOverridesView> {
  const [rows, features, meters] = await Promise.all([listOverrides(orgId), featureIndex(), meterIndex()]);
  const names = await describeActors(rows.flatMap((r) => [r.createdBy, r.revokedBy]));
  const terms = plan ? resolveTerms(plan, rows, now) : null;
  const charged = new Set(plan?.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])) ?? []);
  const prices = (terms?.charges ?? []).flatMap((c) =>
    c.type === "usage"
      ? [
          {
            meter: c.meter,
            name: c.name ?? c.meter,
            price: priceText(c),
            custom: terms!.sources[`charge:${c.meter}`] === "override",
          },
        ]
      : [],
  );
  // The plan's metered meters first: those are what an operator reprices most.
  const meterOptions = [...meters.all]
    .sort((a, b) => Number(charged.has(b.code)) - Number(charged.has(a.code)) || a.code.localeCompare(b.code))
    .map((m) => ({ value: m.code, label: `${m.name} (${m.code})${charged.has(m.code) ? "" : " — not on the plan"}` }));
  const live = features.all.filter((f) => f.archivedAt === null);
  const featureOptions = [
    ...live
      .filter((f) => f.kind !== "metered")
      .map((f) => ({ value: f.key, label: `${f.name} (${f.kind === "boolean" ? "on/off" : "number"})` })),
    ...meters.all.map((m) => ({ value: `${LIMIT}${m.code}`, label: `${m.name}: monthly limit` })),
  ];
  return {
    history: rows.map((r) => ({
      id: r.id,
      kind: OVERRIDE_KIND_LABEL[r.kind],
      target: r.target || null,
      value: overrideValueText(r.kind, r.value),
      reason: r.reason,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      createdAt: r.createdAt,
      createdBy: names.get(r.createdBy) ?? r.createdBy,
      revokedAt: r.revokedAt,
      revokedBy: r.revokedBy ? (names.get(r.revokedBy) ?? r.revokedBy) : null,
      status: overrideStatus(r, now),
    })),
    terms,
    prices,
    meterOptions,
    featureOptions,
  };
}
