// Usage ingestion: from parsed events to stored events, rollups and per-item outcomes.
//
// Two entry points share one core:
// - ingestParsed(actor, items, …): the HTTP endpoints (FlexPrice and Lago shapes), where each
//   item names its customer and a customer key may only send its own.
// - ingestEvents(orgId, events, …): other domains (calls record one event per metric, keyed
//   `call_id:metric`), for one organization, optionally inside the caller's transaction.
//
// Per item the outcome is accepted, duplicate or rejected (with the field and the reason); one
// bad item never sinks the others. Work per call: one query resolves the customers of the whole
// batch, one statement stores everything (store-events.ts), and — only when the batch touched a
// meter that some plan limits — the limit check (limit-alerts.ts). Duplicates and rejections go
// to the bounded ingest log.
//
// Hard limits do not refuse events: an event records work the customer's product already did,
// and dropping it would under-bill. Enforcement is the entitlement check the product calls
// before doing the work (GET /api/v1/entitlements/{meter}); ingestion raises the 80 % / 100 %
// alerts.
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { isCustomer } from "@/lib/auth/actor";
import { canonicalJson } from "@/lib/canonical-json";
import { db, type Executor } from "@/lib/db/client";
import { ingestLog } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { contributionsOf, type ItemError } from "./contributions";
import { checkLimitAlerts } from "./limit-alerts";
import { meterIndexFor } from "./meters";
import { eventHash, FLEXPRICE_FIELDS, refLabel, type ParseResult, type ParsedEvent } from "./parse-event";
import { loadCustomerDirectory, resolveRef } from "./resolve-customers";
import { eventIds } from "./event-ids";
import { storeEvents, type StorableEvent } from "./store-events";
import { kickDrawdown } from "@/lib/credits/drawdown";

export type IngestStatus = "accepted" | "duplicate" | "rejected";

export type ItemOutcome = {
  index: number;
  status: IngestStatus;
  /** The idempotency key: the sender's event_id / transaction_id, or the one the server made. */
  eventId: string | null;
  /** Tally's id of the stored event (accepted only). */
  id?: string;
  /** True when the sender gave no id (the event cannot be deduplicated). */
  idGenerated?: boolean;
  eventName?: string;
  orgId?: string;
  externalCustomerId?: string | null;
  subscriptionId?: string | null;
  timestamp?: Date;
  properties?: Record<string, unknown>;
  /** Rejected: the field and the reason. */
  error?: ItemError;
  /** Rejected: why, for the single-event endpoint's status (403 for another customer, 409 for an id reused with other content). */
  reason?: "invalid" | "forbidden" | "conflict";
};

export type IngestSummary = { accepted: number; duplicate: number; rejected: number; outcomes: ItemOutcome[] };

export type IngestOptions = {
  /** Which endpoint or domain sent the events, for the ingest log. */
  via: string;
  now?: Date;
  /** Run inside the caller's transaction (PGlite: required when one is open). */
  tx?: Executor;
};

/** A candidate that passed parsing and customer resolution. */
type Candidate = {
  index: number;
  event: ParsedEvent;
  orgId: string;
  externalCustomerId: string | null;
  subscriptionId: string | null;
};

const MAX_LOGGED_PER_CALL = 100;
const ITEM_LOG_BYTES = 4096;

/** Events as the HTTP endpoints parsed them; customers resolved here, in one query. */
export async function ingestParsed(actor: Actor, items: ParseResult[], opts: IngestOptions): Promise<IngestSummary> {
  const outcomes: ItemOutcome[] = new Array(items.length);
  const parsed: { index: number; event: ParsedEvent }[] = [];
  items.forEach((item, index) => {
    if (item.ok) parsed.push({ index, event: item.event });
    else
      outcomes[index] = {
        index,
        status: "rejected",
        eventId: item.eventId,
        eventName: item.eventName ?? undefined,
        error: item.error,
        reason: "invalid",
      };
  });

  const customerActor = isCustomer(actor) ? actor : null;
  const needsLookup = parsed.filter(
    (p) => p.event.ref.externalCustomerId || p.event.ref.customerId || p.event.ref.subscriptionRef,
  );
  const dir = await loadCustomerDirectory(
    needsLookup.map((p) => p.event.ref),
    opts.tx,
  );

  const candidates: Candidate[] = [];
  for (const { index, event } of parsed) {
    const named = event.ref.externalCustomerId || event.ref.customerId || event.ref.subscriptionRef;
    if (customerActor && !named) {
      candidates.push({ index, event, orgId: customerActor.orgId, externalCustomerId: null, subscriptionId: null });
      continue;
    }
    const r = resolveRef(dir, event.ref);
    if (customerActor && (!r.ok || r.resolved.orgId !== customerActor.orgId)) {
      // Unknown and foreign customers look the same to a customer key: existence is not leaked.
      const field =
        event.ref.subscriptionRef && !event.ref.externalCustomerId
          ? "external_subscription_id"
          : event.ref.externalCustomerId
            ? "external_customer_id"
            : "customer_id";
      outcomes[index] = {
        index,
        status: "rejected",
        eventId: event.eventId,
        eventName: event.eventName,
        error: {
          field,
          message: "names another customer: this key or session may only send its own customer's events",
        },
        reason: "forbidden",
      };
      continue;
    }
    if (!r.ok) {
      outcomes[index] = {
        index,
        status: "rejected",
        eventId: event.eventId,
        eventName: event.eventName,
        error: r.error,
        reason: "invalid",
      };
      continue;
    }
    candidates.push({
      index,
      event,
      orgId: r.resolved.orgId,
      externalCustomerId: r.resolved.externalId,
      subscriptionId: r.resolved.subscriptionId,
    });
  }

  await ingestCandidates(candidates, outcomes, opts);
  return finish(
    items.map((i) => i.raw),
    outcomes,
    opts,
  );
}

/** What another domain sends: already validated, for one organization. */
export type UsageEventInput = {
  /** The idempotency key (e.g. `${callId}:${metric}`); without one the server makes one, and a retry would count twice. */
  eventId?: string | null;
  eventName: string;
  timestamp?: Date;
  properties?: Record<string, unknown>;
  source?: string | null;
  subscriptionId?: string | null;
};

/**
 * Records usage for one organization (e.g. a finalized call's metrics). The same rules as the
 * API: unknown event names and non-numeric summed properties are rejected per item, duplicates
 * of an event id are reported and not counted twice. Pass `tx` to record inside a transaction.
 */
export async function ingestEvents(
  orgId: string,
  events: UsageEventInput[],
  opts: Partial<IngestOptions> = {},
): Promise<IngestSummary> {
  const o: IngestOptions = { via: opts.via ?? "internal", now: opts.now, tx: opts.tx };
  const outcomes: ItemOutcome[] = new Array(events.length);
  const candidates: Candidate[] = events.map((e, index) => {
    const properties = e.properties ?? {};
    const ts = e.timestamp ?? null;
    return {
      index,
      orgId,
      externalCustomerId: null,
      subscriptionId: e.subscriptionId ?? null,
      event: {
        ref: {},
        eventId: e.eventId ?? null,
        eventName: e.eventName,
        timestamp: ts,
        properties,
        propertiesJson: canonicalJson(properties),
        source: e.source ?? null,
        fields: FLEXPRICE_FIELDS,
      },
    };
  });
  await ingestCandidates(candidates, outcomes, o);
  return finish(events, outcomes, o);
}

async function ingestCandidates(candidates: Candidate[], outcomes: ItemOutcome[], opts: IngestOptions): Promise<void> {
  if (candidates.length === 0) return;
  const now = opts.now ?? new Date();
  const maxFutureSeconds = env().EVENT_MAX_FUTURE_SECONDS;
  const maxFuture = now.getTime() + maxFutureSeconds * 1000;
  const meters = await meterIndexFor(new Set(candidates.map((c) => c.event.eventName)), opts.tx);

  // A hot loop (up to 1,000 events a call): no closures or object spreads per event.
  const ids = eventIds(candidates.length);
  const storable: StorableEvent[] = [];
  const sources: Candidate[] = [];
  // Per customer, the position in `storable` of each event id: no joined key to build and hash per event.
  const seen = new Map<string, Map<string, number>>();
  const inBatchDuplicates: { c: Candidate; hash: string; first: StorableEvent }[] = [];
  for (const c of candidates) {
    const e = c.event;
    const forEvent = meters.byEvent.get(e.eventName);
    let error: ItemError | null = null;
    let contrib: ReturnType<typeof contributionsOf> | null = null;
    if (!forEvent) error = { field: e.fields.name, message: `no meter reads events named "${e.eventName}"` };
    else if (e.timestamp && e.timestamp.getTime() > maxFuture)
      error = {
        field: "timestamp",
        message: `is more than ${maxFutureSeconds} seconds in the future (${e.timestamp.toISOString()})`,
      };
    else {
      contrib = contributionsOf(forEvent, e.properties);
      if (!contrib.ok) error = contrib.error;
    }
    if (error || !contrib || !contrib.ok) {
      outcomes[c.index] = {
        index: c.index,
        status: "rejected",
        eventId: e.eventId,
        eventName: e.eventName,
        orgId: c.orgId,
        externalCustomerId: c.externalCustomerId,
        error: error!,
        reason: "invalid",
      };
      continue;
    }
    const id = ids.next();
    const eventId = e.eventId ?? id;
    const hash = eventHash(
      [e.eventName, c.orgId, e.timestamp ? String(e.timestamp.getTime()) : "", e.source ?? ""],
      e.propertiesJson,
    );
    // The same id twice in one batch: the first is stored, the rest answer like a retry would.
    let orgSeen = seen.get(c.orgId);
    if (!orgSeen) seen.set(c.orgId, (orgSeen = new Map()));
    const first = orgSeen.get(eventId);
    if (first !== undefined) {
      inBatchDuplicates.push({ c, hash, first: storable[first]! });
      continue;
    }
    orgSeen.set(eventId, storable.length);
    sources.push(c);
    storable.push({
      index: c.index,
      id,
      orgId: c.orgId,
      eventId,
      idGenerated: e.eventId === null,
      eventName: e.eventName,
      timestamp: e.timestamp ?? now,
      properties: e.properties,
      propertiesJson: e.propertiesJson,
      source: e.source,
      subscriptionId: c.subscriptionId,
      hash,
      rollups: contrib.rollups,
      uniques: contrib.uniques,
    });
  }

  const stored = await storeEvents(storable, opts.tx);
  const touched = new Map<string, Set<string>>();
  for (let i = 0; i < storable.length; i++) {
    const s = storable[i]!;
    const c = sources[i]!;
    const result = stored.get(s.index) ?? "duplicate";
    const o: ItemOutcome = {
      index: s.index,
      status: result === "accepted" ? "accepted" : "duplicate",
      eventId: s.eventId,
      eventName: s.eventName,
      orgId: s.orgId,
      externalCustomerId: c.externalCustomerId,
      subscriptionId: s.subscriptionId,
      timestamp: s.timestamp,
      properties: s.properties,
    };
    if (result === "accepted") {
      o.id = s.id;
      o.idGenerated = s.idGenerated;
      let set = touched.get(s.orgId);
      if (!set) touched.set(s.orgId, (set = new Set()));
      for (const r of s.rollups) set.add(r.meterId);
      for (const u of s.uniques) set.add(u.meterId);
    }
    outcomes[s.index] = result === "conflict" ? conflictOutcome(o, c.event.fields.id) : o;
  }
  for (const { c, hash, first } of inBatchDuplicates) {
    const o: ItemOutcome = {
      index: c.index,
      status: "duplicate",
      eventId: first.eventId,
      eventName: c.event.eventName,
      orgId: c.orgId,
      externalCustomerId: c.externalCustomerId,
    };
    outcomes[c.index] = hash === first.hash ? o : conflictOutcome(o, c.event.fields.id);
  }

  // Meters priced in credits: the drawdown follows shortly after (lib/credits/drawdown.ts).
  if (touched.size > 0) kickDrawdown(touched);
  if (touched.size > 0) {
    try {
      await checkLimitAlerts(touched, { now, tx: opts.tx });
    } catch (err) {
      // Alerts are a notification: a failure here must not turn stored events into an error.
      log.error({ err }, "usage limit check failed");
    }
  }
}

function conflictOutcome(o: ItemOutcome, field: string): ItemOutcome {
  return {
    index: o.index,
    status: "rejected",
    eventId: o.eventId,
    eventName: o.eventName,
    orgId: o.orgId,
    error: {
      field,
      message: `"${o.eventId}" was already used for an event with different content: ids identify one event forever`,
    },
    reason: "conflict",
  };
}

async function finish(raws: unknown[], outcomes: ItemOutcome[], opts: IngestOptions): Promise<IngestSummary> {
  let accepted = 0;
  let duplicate = 0;
  let rejected = 0;
  let generated = 0;
  const logged: (typeof ingestLog.$inferInsert)[] = [];
  for (const o of outcomes) {
    if (o.status === "accepted") {
      accepted++;
      if (o.idGenerated) generated++;
      continue;
    }
    if (o.status === "duplicate") duplicate++;
    else rejected++;
    if (logged.length < MAX_LOGGED_PER_CALL) {
      logged.push({
        orgId: o.orgId ?? null,
        outcome: o.status,
        eventId: o.eventId,
        eventName: o.eventName ?? null,
        customerRef: rawRef(raws[o.index]),
        field: o.error?.field ?? null,
        reason: o.error ? o.error.message : "already recorded: the event was counted once, when it first arrived",
        item: truncateItem(raws[o.index]),
        via: opts.via,
      });
    }
  }
  if (accepted - generated > 0)
    metrics.eventsIngested.inc({ outcome: "accepted", id_source: "sent" }, accepted - generated);
  if (generated > 0) metrics.eventsIngested.inc({ outcome: "accepted", id_source: "generated" }, generated);
  if (duplicate > 0) metrics.eventsIngested.inc({ outcome: "duplicate", id_source: "sent" }, duplicate);
  if (rejected > 0) metrics.eventsIngested.inc({ outcome: "rejected", id_source: "sent" }, rejected);
  if (logged.length > 0) {
    try {
      await (opts.tx ?? db).insert(ingestLog).values(logged);
    } catch (err) {
      log.error({ err }, "could not write the ingest log");
    }
  }
  return { accepted, duplicate, rejected, outcomes };
}

function rawRef(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const ref = {
    externalCustomerId: str(o.external_customer_id),
    customerId: str(o.customer_id),
    subscriptionRef: str(o.external_subscription_id),
  };
  return refLabel(ref);
}

const str = (v: unknown) => (typeof v === "string" && v ? v.slice(0, 200) : undefined);

function truncateItem(raw: unknown): unknown {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? "null";
  } catch {
    return { unreadable: true };
  }
  if (text.length <= ITEM_LOG_BYTES) return raw ?? null;
  return { truncated: true, preview: text.slice(0, ITEM_LOG_BYTES) };
}
