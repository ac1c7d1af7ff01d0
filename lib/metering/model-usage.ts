// LLM usage per model: for every meter that groups by `model`, the quantity per model over a
// range, what the customer's plan bills for it (its price-per-group charge), and what the model's
// provider charges (catalog model_prices, the latest price in effect) — the operator's cost.
// A meter whose property names input or output tokens ("input_tokens", "output_tokens") is priced
// at the provider's input or output price; other meters have no provider cost.
import "server-only";
import { desc, lte } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { modelPrices, type Plan } from "@/lib/db/schema";
import { D } from "@/lib/money";
import type { UsageCharge } from "@/lib/rating";
import type { Period } from "./limit-period";
import { meterIndex } from "./meters";
import { NO_GROUP, ratable } from "./priced-usage";
import { queryUsage } from "./usage-query";

export type ModelRow = {
  model: string;
  /** Quantity per meter code. */
  quantities: Record<string, string>;
  /** What the plan bills, exact; null when the plan has no price for this model on any meter. */
  billed: string | null;
  /** What the provider charges, exact; null when the model has no provider price. */
  providerCost: string | null;
};

export type ModelUsage = { meters: { code: string; name: string; unit: string }[]; rows: ModelRow[]; currency: string };

export async function modelUsage(orgId: string, range: Period, plan: Plan | null): Promise<ModelUsage> {
  const meters = (await meterIndex()).all.filter(
    (m) => !m.archived && m.groupBy.includes("model") && (m.aggregation === "sum" || m.aggregation === "count"),
  );
  const currency = plan?.currency ?? "usd";
  if (meters.length === 0) return { meters: [], rows: [], currency };
  const usage = await queryUsage({ orgId, meters, range, groupBy: ["model"] });
  const prices = await db
    .select()
    .from(modelPrices)
    .where(lte(modelPrices.effectiveFrom, range.end))
    .orderBy(desc(modelPrices.effectiveFrom));
  const providerPrice = new Map<string, { input: string; output: string }>();
  for (const p of prices)
    if (!providerPrice.has(p.model))
      providerPrice.set(p.model, { input: p.inputPricePerToken, output: p.outputPricePerToken });
  const groupCharges = new Map<string, Extract<UsageCharge, { model: "group" }>>();
  for (const c of plan?.charges ?? [])
    if (c.type === "usage" && c.model === "group" && c.group_by === "model") groupCharges.set(c.meter, c);

  const byModel = new Map<string, ModelRow>();
  for (const u of usage) {
    const charge = groupCharges.get(u.meter.code);
    const side = /input/i.test(u.meter.property ?? "")
      ? "input"
      : /output/i.test(u.meter.property ?? "")
        ? "output"
        : null;
    for (const g of u.groups ?? []) {
      const model = g.group.model ?? NO_GROUP;
      const qty = ratable(g.value);
      if (new D(qty).isZero()) continue;
      const row = byModel.get(model) ?? { model, quantities: {}, billed: null, providerCost: null };
      row.quantities[u.meter.code] = new D(row.quantities[u.meter.code] ?? "0").plus(qty).toFixed();
      const price = charge ? (charge.prices[model] ?? charge.default_unit_price ?? null) : null;
      if (price !== null) row.billed = new D(row.billed ?? "0").plus(new D(qty).mul(price)).toFixed();
      const provider = providerPrice.get(model);
      if (provider && side)
        row.providerCost = new D(row.providerCost ?? "0").plus(new D(qty).mul(provider[side])).toFixed();
      byModel.set(model, row);
    }
  }
  return {
    meters: meters.map((m) => ({ code: m.code, name: m.name, unit: m.unit })),
    rows: [...byModel.values()].sort(
      (a, b) => new D(b.billed ?? "0").cmp(a.billed ?? "0") || a.model.localeCompare(b.model),
    ),
    currency,
  };
}
