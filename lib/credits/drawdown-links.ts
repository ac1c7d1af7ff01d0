// Links from meters to credit events (the catalog side of meters priced in credits): an admin
// links a count or sum meter, optionally narrowed by property values, to a credit event; from
// then on every event of that meter spends ceil(quantity × credits per unit) credits (drawdown.ts).
// The active links are a copy in memory (lib/cache/catalog-copy.ts: the drawdown and the exact
// reads consult them on every call); changes here drop every replica's copy at once.
import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { bool, date, int, json, label, nullable, selectRows, text } from "@/lib/db/rows";
import { creditEvents, creditMeterLinks, meters } from "@/lib/db/schema";
import { filtersOverlap } from "./link-filters";
import { invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { broadcastInvalidation, onInvalidate } from "@/lib/cache/invalidation";
import { catalogCopy } from "@/lib/cache/catalog-copy";

export type DrawdownLink = {
  id: string;
  meterId: string;
  meterCode: string;
  eventName: string;
  aggregation: "count" | "sum";
  property: string | null;
  /** The meter's filters and the link's own, merged (a key in both must match both lists). */
  meterFilters: Record<string, string[]>;
  filters: Record<string, string[]>;
  creditEvent: string;
  /** Credits per unit; null while the credit event is inactive (its events then spend nothing). */
  creditsPerUnit: number | null;
  createdAt: Date;
  /** Events ingested after this are not drawn; null while the link is active. */
  archivedAt: Date | null;
  /** Whether the drawdown reads the link now (drawdownLinks): its events after a customer's cursor will be drawn if priced. */
  live: boolean;
};

type Filters = Record<string, string[]>;
const LINK_ROW = {
  id: text,
  meter_id: text,
  meter_code: text,
  event_name: text,
  aggregation: label<"count" | "sum">(),
  property: nullable(text),
  meter_filters: nullable(json<Filters>()),
  filters: nullable(json<Filters>()),
  credit_event: text,
  credits: nullable(int),
  created_at: date,
  archived_at: nullable(date),
  live: bool,
};

/** `all`: every link ever made (archived ones, those of archived meters too), for billing (allLinks). */
async function load(tx: Executor, all = false): Promise<DrawdownLink[]> {
  // An archived link still draws the events ingested before it was archived, for a day.
  const liveSql = sql`(l.archived_at is null or l.archived_at > now() - interval '1 day') and m.archived_at is null`;
  const list = await selectRows(
    LINK_ROW,
    sql`select l.id, l.meter_id, m.code as meter_code, m.event_name, m.aggregation, m.property, m.filters as meter_filters, l.filters,
               l.credit_event_code as credit_event, (select e.credits from credit_events e where e.code = l.credit_event_code and e.active) as credits,
               l.created_at, l.archived_at, ${liveSql} as live
          from credit_meter_links l join meters m on m.id = l.meter_id
         where ${all ? sql`` : sql`${liveSql} and`} m.aggregation in ('count', 'sum')
         order by l.id`,
    tx,
  );
  return list.map((r) => ({
    id: r.id,
    meterId: r.meter_id,
    meterCode: r.meter_code,
    eventName: r.event_name,
    aggregation: r.aggregation,
    property: r.property,
    meterFilters: r.meter_filters ?? {},
    filters: r.filters ?? {},
    creditEvent: r.credit_event,
    creditsPerUnit: r.credits,
    createdAt: r.created_at,
    archivedAt: r.archived_at,
    live: r.live,
  }));
}

const copy = catalogCopy("credits.drawdown-links", (tx) => load(tx));

/** The active links, from the process's copy (lib/cache/catalog-copy.ts); pass the transaction's executor inside one. */
export const drawdownLinks = (tx?: Executor): Promise<DrawdownLink[]> => copy.get({ tx });

/**
 * Every link ever made, archived ones included, uncached: what a period's invoice needs to know
 * which of its events were drawn from credits (lib/payments/period-input.ts). `creditsPerUnit` is
 * the credit event's price now (null while inactive); the window (createdAt, archivedAt] is what
 * decides, not the price.
 */
export async function allLinks(tx: Executor = db): Promise<DrawdownLink[]> {
  return load(tx, true);
}

/** The linked meters' ids from the copy, without waiting: undefined when it is cold or stale (then kick anyway). */
export function linkedMeterIds(): Set<string> | undefined {
  const links = copy.ifFresh();
  return links && new Set(links.map((l) => l.meterId));
}

/** This process reads links anew; `drawdownLinksChanged` tells every replica. */
export function invalidateDrawdownLinks(): void {
  copy.invalidate();
}
onInvalidate("catalog", (what) => {
  if (what === "drawdown_links") invalidateDrawdownLinks();
});
/** Links or the credit events that price them changed: every replica reads them anew at once (NOTIFY). */
export const drawdownLinksChanged = () => broadcastInvalidation("catalog", "drawdown_links");

export type LinkInput = { meter: string; creditEvent: string; filters?: Record<string, string[]> };

export function linkJson(l: {
  id: string;
  meterCode: string;
  creditEvent: string;
  filters: Record<string, string[]>;
  createdAt: Date;
  archivedAt?: Date | null;
}) {
  return {
    id: l.id,
    object: "credit_meter_link",
    meter: l.meterCode,
    credit_event: l.creditEvent,
    filters: l.filters,
    created_at: l.createdAt.toISOString(),
    archived_at: l.archivedAt?.toISOString() ?? null,
  };
}

/** Links a meter (by code) to a credit event (by code). A meter's live links match disjoint events (link-filters.ts). */
export async function createLink(input: LinkInput) {
  const [meter] = await db.select().from(meters).where(eq(meters.code, input.meter));
  if (!meter || meter.archivedAt) throw invalidField("meter", `no active meter has the code "${input.meter}"`);
  if (meter.aggregation !== "count" && meter.aggregation !== "sum")
    throw invalidField("meter", `only count and sum meters can spend credits; "${meter.code}" is ${meter.aggregation}`);
  // A negative correction spends nothing and gives nothing back (the drawdown rounds each event up
  // to at least 0 credits) while the invoice counts the usage net of it: credits spent on usage no
  // longer billed. So a meter priced in credits takes no negative values (updateMeter keeps it so).
  if (meter.allowNegative)
    throw invalidField(
      "meter",
      `"${meter.code}" accepts negative values (corrections), which credits cannot give back; price a meter without allow_negative in credits, and correct credits with an adjustment`,
    );
  const [event] = await db.select().from(creditEvents).where(eq(creditEvents.code, input.creditEvent));
  if (!event || !event.active)
    throw invalidField("credit_event", `no active credit event has the code "${input.creditEvent}"`);
  const filters = input.filters ?? {};
  const row = await db.transaction(async (tx) => {
    // The meter's row lock makes two links created at once see each other.
    await tx.select({ id: meters.id }).from(meters).where(eq(meters.id, meter.id)).for("update");
    const live = await tx
      .select()
      .from(creditMeterLinks)
      .where(and(eq(creditMeterLinks.meterId, meter.id), isNull(creditMeterLinks.archivedAt)));
    const clash = live.find((l) => filtersOverlap(l.filters, filters));
    if (clash)
      throw invalidField(
        "filters",
        `"${meter.code}" already has a link (${clash.id}, to ${clash.creditEventCode}) that matches some of the same events, which would spend credits twice; give the links filters with no value in common, or archive that link first`,
      );
    const [created] = await tx
      .insert(creditMeterLinks)
      .values({ id: newId("cml"), meterId: meter.id, creditEventCode: event.code, filters })
      .returning();
    return created;
  });
  await drawdownLinksChanged();
  return linkJson({ ...row!, meterCode: meter.code, creditEvent: row!.creditEventCode });
}

/** Whether a link not archived prices the meter in credits (the meter then refuses allow_negative). */
export async function meterHasLiveLink(meterId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: creditMeterLinks.id })
    .from(creditMeterLinks)
    .where(and(eq(creditMeterLinks.meterId, meterId), isNull(creditMeterLinks.archivedAt)))
    .limit(1);
  return row !== undefined;
}

export async function listLinks(opts: { includeArchived?: boolean } = {}) {
  const list = await db
    .select({ link: creditMeterLinks, meterCode: meters.code })
    .from(creditMeterLinks)
    .innerJoin(meters, eq(meters.id, creditMeterLinks.meterId))
    .where(opts.includeArchived ? undefined : isNull(creditMeterLinks.archivedAt))
    .orderBy(asc(creditMeterLinks.createdAt));
  return list.map((r) => linkJson({ ...r.link, meterCode: r.meterCode, creditEvent: r.link.creditEventCode }));
}

/**
 * Stops the drawdown for events ingested from now on (the database's clock, the one ingested_at is
 * read from); events ingested before stay drawn, those after are billed in arrears.
 */
export async function archiveLink(id: string) {
  const [row] = await db
    .update(creditMeterLinks)
    .set({ archivedAt: sql`now()` })
    .where(and(eq(creditMeterLinks.id, id), isNull(creditMeterLinks.archivedAt)))
    .returning();
  if (!row) throw notFound("Credit meter link");
  await drawdownLinksChanged();
  const [meter] = await db.select({ code: meters.code }).from(meters).where(eq(meters.id, row.meterId));
  return linkJson({ ...row, meterCode: meter?.code ?? row.meterId, creditEvent: row.creditEventCode });
}
