// Writing one source object into Tally, inside the import's transaction, and saying what happened:
// create, update, unchanged or skipped with the reason. Every imported row is remembered in
// import_links by (source, kind, source id), so a run again finds it instead of making another.
import "server-only";
import { and, eq } from "drizzle-orm";
import { upsertImportedPlan } from "@/lib/catalog/import-plans";
import { broadcastInvalidation } from "@/lib/cache/invalidation";
import { grantBucket } from "@/lib/credits/grant-credits";
import type { Executor } from "@/lib/db/client";
import {
  importLinks,
  meters,
  plans,
  subscriptions,
  type ImportItem,
  type ImportKind,
  type ImportLink,
  type ImportSource,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { createOrganization, findOrganization, updateOrganization } from "@/lib/orgs/organizations";
import { recordHistory } from "@/lib/subscriptions/history";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import {
  fingerprint,
  type CustomerSpec,
  type MeterSpec,
  type PlanSpec,
  type SubscriptionSpec,
  type WalletSpec,
} from "./bundle";

export type StepContext = { tx: Executor; source: ImportSource; label: string; actor: string; now: Date };

type Outcome = Pick<ImportItem, "outcome" | "reason" | "tally_id">;

async function findLink(ctx: StepContext, kind: ImportKind, sourceId: string): Promise<ImportLink | null> {
  const [l] = await ctx.tx
    .select()
    .from(importLinks)
    .where(and(eq(importLinks.source, ctx.source), eq(importLinks.kind, kind), eq(importLinks.sourceId, sourceId)));
  return l ?? null;
}

async function saveLink(
  ctx: StepContext,
  kind: ImportKind,
  sourceId: string,
  targetId: string,
  print: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await ctx.tx
    .insert(importLinks)
    .values({ source: ctx.source, kind, sourceId, targetId, fingerprint: print, detail, updatedAt: ctx.now })
    .onConflictDoUpdate({
      target: [importLinks.source, importLinks.kind, importLinks.sourceId],
      set: { targetId, fingerprint: print, detail, updatedAt: ctx.now },
    });
}

const skipped = (reason: string, tallyId: string | null = null): Outcome => ({
  outcome: "skipped",
  reason,
  tally_id: tallyId,
});

export async function applyMeter(ctx: StepContext, spec: MeterSpec): Promise<Outcome> {
  const print = fingerprint(spec);
  const link = await findLink(ctx, "meter", spec.sourceId);
  const [meter] = link
    ? await ctx.tx.select().from(meters).where(eq(meters.id, link.targetId))
    : await ctx.tx.select().from(meters).where(eq(meters.code, spec.code));
  if (!meter) {
    const [m] = await ctx.tx
      .insert(meters)
      .values({
        id: newId("mtr"),
        code: spec.code,
        name: spec.name,
        eventName: spec.eventName,
        aggregation: spec.aggregation,
        property: spec.property,
        filters: spec.filters,
        unit: "unit",
      })
      .returning();
    await broadcastInvalidation("catalog", "meters", ctx.tx);
    await saveLink(ctx, "meter", spec.sourceId, m!.id, print);
    return { outcome: "create", reason: null, tally_id: m!.id };
  }
  if (link?.fingerprint === print) return { outcome: "unchanged", reason: null, tally_id: meter.id };
  const sameCounting =
    meter.eventName === spec.eventName &&
    meter.aggregation === spec.aggregation &&
    (meter.property ?? null) === spec.property;
  if (!sameCounting) {
    // Usage already counted by the meter would mean something else under another definition.
    return skipped(
      link
        ? `changed at ${ctx.label} (${spec.aggregation} of ${spec.eventName}); Tally's meter ${meter.code} keeps counting as before (${meter.aggregation} of ${meter.eventName}): change it by hand`
        : `a meter with code ${meter.code} already exists and counts ${meter.aggregation} of ${meter.eventName}, not ${spec.aggregation} of ${spec.eventName}`,
      meter.id,
    );
  }
  const renamed = meter.name !== spec.name;
  if (renamed) await ctx.tx.update(meters).set({ name: spec.name }).where(eq(meters.id, meter.id));
  await saveLink(ctx, "meter", spec.sourceId, meter.id, print);
  if (!link) return { outcome: "update", reason: `linked to the existing meter ${meter.code}`, tally_id: meter.id };
  return renamed
    ? { outcome: "update", reason: `renamed to ${spec.name}`, tally_id: meter.id }
    : { outcome: "unchanged", reason: null, tally_id: meter.id };
}

export async function applyPlan(ctx: StepContext, spec: PlanSpec): Promise<Outcome> {
  const r = await upsertImportedPlan(ctx.tx, spec);
  const notes = spec.notes.length ? spec.notes.join("; ") : null;
  const withNotes = (s: string | null) => [s, notes].filter(Boolean).join("; ") || null;
  switch (r.change) {
    case "created":
      return { outcome: "create", reason: notes, tally_id: r.plan.id };
    case "versioned":
      return {
        outcome: "update",
        reason: withNotes(
          `prices changed: new version v${r.plan.version} (subscribers stay on v${r.plan.version - 1} until they change plan)`,
        ),
        tally_id: r.plan.id,
      };
    case "updated":
      return { outcome: "update", reason: withNotes("name or description changed"), tally_id: r.plan.id };
    case "unchanged":
      return { outcome: "unchanged", reason: notes, tally_id: r.plan.id };
  }
}

export async function applyCustomer(ctx: StepContext, spec: CustomerSpec): Promise<Outcome> {
  const print = fingerprint(spec);
  const link = await findLink(ctx, "customer", spec.sourceId);
  const org = link
    ? await findOrganization({ id: link.targetId }, ctx.tx)
    : spec.externalId
      ? await findOrganization({ externalId: spec.externalId }, ctx.tx)
      : null;
  if (!org) {
    const created = await createOrganization(
      { name: spec.name, email: spec.email, externalId: spec.externalId },
      ctx.tx,
    );
    await saveLink(ctx, "customer", spec.sourceId, created.id, print);
    return { outcome: "create", reason: null, tally_id: created.id };
  }
  if (!link) {
    // The same customer known to both systems by the application's own id: link it, keep Tally's details.
    await saveLink(ctx, "customer", spec.sourceId, org.id, print);
    return {
      outcome: "update",
      reason: `linked to the existing customer with external_id ${spec.externalId}`,
      tally_id: org.id,
    };
  }
  if (link.fingerprint === print) return { outcome: "unchanged", reason: null, tally_id: org.id };
  const changed: string[] = [];
  const patch: { name?: string; email?: string | null; externalId?: string | null } = {};
  if (spec.name !== org.name) {
    patch.name = spec.name;
    changed.push("name");
  }
  if (spec.email !== org.email) {
    patch.email = spec.email;
    changed.push("email");
  }
  if (spec.externalId && spec.externalId !== org.externalId) {
    patch.externalId = spec.externalId;
    changed.push("external_id");
  }
  if (changed.length) await updateOrganization(org.id, patch, ctx.tx);
  await saveLink(ctx, "customer", spec.sourceId, org.id, print);
  return changed.length
    ? { outcome: "update", reason: `${changed.join(", ")} changed`, tally_id: org.id }
    : { outcome: "unchanged", reason: null, tally_id: org.id };
}

async function linkedOrgId(ctx: StepContext, customerSourceId: string): Promise<string | null> {
  return (await findLink(ctx, "customer", customerSourceId))?.targetId ?? null;
}

export async function applySubscription(ctx: StepContext, spec: SubscriptionSpec): Promise<Outcome> {
  const link = await findLink(ctx, "subscription", spec.sourceId);
  const orgId = await linkedOrgId(ctx, spec.customerSourceId);
  if (!orgId) return skipped(`its customer ${spec.customerSourceId} was not imported`);
  const [plan] = await ctx.tx
    .select()
    .from(plans)
    .where(and(eq(plans.importId, spec.planImportId), eq(plans.isLatest, true)));
  if (link) {
    const [sub] = await ctx.tx
      .select({ status: subscriptions.status, planId: subscriptions.planId, code: plans.code })
      .from(subscriptions)
      .innerJoin(plans, eq(plans.id, subscriptions.planId))
      .where(and(eq(subscriptions.orgId, orgId), eq(subscriptions.id, link.targetId)));
    if (!sub) return skipped("the subscription imported before is gone from Tally");
    const tallyLive = ["incomplete", "trialing", "active", "past_due"].includes(sub.status);
    if (spec.state === "ended" && tallyLive)
      return skipped(
        `${spec.sourceStatus} at ${ctx.label}; still ${sub.status} in Tally: cancel it there`,
        link.targetId,
      );
    if (spec.state === "live" && !tallyLive)
      return skipped(`${sub.status} in Tally, still ${spec.sourceStatus} at ${ctx.label}`, link.targetId);
    if (plan && plan.code !== sub.code)
      return skipped(
        `on another plan at ${ctx.label} now (${plan.name}); change its plan in Tally, which prorates`,
        link.targetId,
      );
    return { outcome: "unchanged", reason: null, tally_id: link.targetId };
  }
  if (spec.state === "ended")
    return skipped(`${spec.sourceStatus} at ${ctx.label}: only current subscriptions are imported`);
  if (!plan) return skipped(`its plan ${spec.planImportId.replace(/^lago:/, "")} was not imported`);
  if (!plan.active) return skipped(`its plan ${plan.code} is off sale in Tally`);
  if (spec.interval && spec.interval !== plan.interval)
    return skipped(
      `billed per ${spec.interval} at ${ctx.label}, but the imported plan ${plan.code} is per ${plan.interval}`,
    );
  const current = await liveSubscription(orgId, ctx.tx);
  if (current) return skipped(`the customer already has a current subscription in Tally (${current.id})`, current.id);
  // The source billed the current period: Tally takes over at its end (the anchor), without a
  // first invoice now, and counts whole periods from there.
  const [sub] = await ctx.tx
    .insert(subscriptions)
    .values({
      id: newId("sub"),
      orgId,
      planId: plan.id,
      status: "active",
      interval: plan.interval,
      billingAnchor: spec.currentPeriodEnd,
      currentPeriodStart: spec.currentPeriodStart,
      currentPeriodEnd: spec.currentPeriodEnd,
      cancelAtPeriodEnd: spec.cancelAtPeriodEnd,
      externalId: spec.externalId,
      provider: "manual",
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  await recordHistory(ctx.tx, sub!, plan, "created", {
    actor: ctx.actor,
    occurredAt: ctx.now,
    comment: `Imported from ${ctx.label} subscription ${spec.sourceId}`,
  });
  await saveLink(ctx, "subscription", spec.sourceId, sub!.id, fingerprint(spec));
  return {
    outcome: "create",
    reason: spec.sourceStatus === "active" ? null : `${spec.sourceStatus} at ${ctx.label}: imported as active`,
    tally_id: sub!.id,
  };
}

/**
 * A wallet's balance becomes purchased credits through the ledger. The link remembers the credits
 * granted so far; a balance grown at the source grants the difference (keyed by the new total, so
 * once), a balance that fell is left for an operator: Tally's ledger has moved on since.
 */
export async function applyWallet(ctx: StepContext, spec: WalletSpec): Promise<Outcome> {
  const orgId = await linkedOrgId(ctx, spec.customerSourceId);
  if (!orgId) return skipped(`its customer ${spec.customerSourceId} was not imported`);
  const link = await findLink(ctx, "wallet", spec.sourceId);
  const granted = typeof link?.detail.credits === "number" ? link.detail.credits : 0;
  if (spec.credits === granted)
    return link
      ? { outcome: "unchanged", reason: null, tally_id: link.targetId }
      : skipped("an empty wallet: nothing to grant");
  if (spec.credits < granted)
    return skipped(
      `${granted} credits were imported; the balance at ${ctx.label} is ${spec.credits} now: adjust in Tally by hand if needed`,
      link?.targetId ?? null,
    );
  const { grant } = await grantBucket(
    ctx.tx,
    orgId,
    {
      source: "purchased",
      origin: "admin",
      amount: spec.credits - granted,
      expiresAt: spec.expiresAt,
      idempotencyKey: `import:${ctx.source}:wallet:${spec.sourceId}:${spec.credits}`,
      reference: `${ctx.source}:wallet:${spec.sourceId}`,
      reason: `Imported from ${ctx.label} wallet ${spec.name}`,
      actor: ctx.actor,
    },
    ctx.now,
  );
  await saveLink(ctx, "wallet", spec.sourceId, grant.id, fingerprint(spec), { credits: spec.credits });
  return link
    ? {
        outcome: "update",
        reason: `${spec.credits - granted} more credits (balance ${spec.credits})`,
        tally_id: grant.id,
      }
    : { outcome: "create", reason: `${spec.credits} credits`, tally_id: grant.id };
}
