// One import run: read the source in full (network first, no transaction open), map it to Tally's
// terms, then write everything in one transaction — or, on a dry run, the same writes rolled back,
// so the dry run lists exactly what applying would do. Every run is recorded with its items.
import "server-only";
import { desc, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  IMPORT_KINDS,
  IMPORT_OUTCOMES,
  imports,
  type ImportCounts,
  type ImportItem,
  type ImportRun,
  type ImportSource,
} from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { applyCustomer, applyMeter, applyPlan, applySubscription, applyWallet, type StepContext } from "./apply-steps";
import type { ImportBundle } from "./bundle";
import { fetchFlexPrice, flexpriceBase } from "./flexprice-client";
import { mapFlexPrice } from "./flexprice-map";
import { fetchLago, lagoBase } from "./lago-client";
import { mapLago } from "./lago-map";
import type { ImportRunJson } from "./schemas";

export const SOURCE_LABEL: Record<ImportSource, "FlexPrice" | "Lago"> = { flexprice: "FlexPrice", lago: "Lago" };

type Reader = { base: (apiUrl: string) => string; read: (apiUrl: string, apiKey: string) => Promise<ImportBundle> };

const READERS: Record<ImportSource, Reader> = {
  flexprice: { base: flexpriceBase, read: async (url, key) => mapFlexPrice(await fetchFlexPrice(url, key)) },
  lago: { base: lagoBase, read: async (url, key) => mapLago(await fetchLago(url, key)) },
};

export type ImportRequest = { apiUrl: string; apiKey: string; dryRun: boolean; actor: string; now?: Date };

class DryRunRollback extends Error {}

function countsOf(items: ImportItem[]): ImportCounts {
  const counts = Object.fromEntries(
    IMPORT_KINDS.map((k) => [k, Object.fromEntries(IMPORT_OUTCOMES.map((o) => [o, 0]))]),
  ) as ImportCounts;
  for (const i of items) counts[i.kind][i.outcome]++;
  return counts;
}

/** Each object in a savepoint: one the database refuses is skipped with the reason, the rest go on. */
async function step(
  tx: Executor,
  item: Pick<ImportItem, "kind" | "source_id" | "name">,
  write: (tx: Executor) => Promise<Pick<ImportItem, "outcome" | "reason" | "tally_id">>,
): Promise<ImportItem> {
  try {
    return { ...item, ...(await tx.transaction((sp) => write(sp))) };
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500) throw e;
    return { ...item, outcome: "skipped", reason: e.message, tally_id: null };
  }
}

async function applyBundle(bundle: ImportBundle, ctx: Omit<StepContext, "tx">, tx: Executor): Promise<ImportItem[]> {
  const items: ImportItem[] = [];
  const c = (sp: Executor): StepContext => ({ ...ctx, tx: sp });
  const skippedOf = (kind: ImportItem["kind"]) =>
    bundle.skipped
      .filter((s) => s.kind === kind)
      .map((s): ImportItem => ({
        kind,
        source_id: s.sourceId,
        name: s.name,
        outcome: "skipped",
        reason: s.reason,
        tally_id: null,
      }));
  // A meter not imported (Tally has the code with another definition) must price nothing: a plan on it is skipped.
  const meterNotImported = new Set<string>();
  for (const m of bundle.meters) {
    const done = await step(tx, { kind: "meter", source_id: m.sourceId, name: m.name }, (sp) => applyMeter(c(sp), m));
    if (done.outcome === "skipped") meterNotImported.add(m.code);
    items.push(done);
  }
  items.push(...skippedOf("meter"));
  for (const p of bundle.plans) {
    const item = { kind: "plan" as const, source_id: p.sourceId, name: p.name };
    const missing = p.charges.flatMap((ch) =>
      ch.type === "usage" && meterNotImported.has(ch.meter) ? [ch.meter] : [],
    );
    if (missing.length)
      items.push({
        ...item,
        outcome: "skipped",
        reason: `its meter ${missing.join(", ")} was not imported`,
        tally_id: null,
      });
    else items.push(await step(tx, item, (sp) => applyPlan(c(sp), p)));
  }
  items.push(...skippedOf("plan"));
  for (const cu of bundle.customers)
    items.push(
      await step(tx, { kind: "customer", source_id: cu.sourceId, name: cu.name }, (sp) => applyCustomer(c(sp), cu)),
    );
  items.push(...skippedOf("customer"));
  for (const s of bundle.subscriptions)
    items.push(
      await step(tx, { kind: "subscription", source_id: s.sourceId, name: s.name }, (sp) =>
        applySubscription(c(sp), s),
      ),
    );
  items.push(...skippedOf("subscription"));
  for (const w of bundle.wallets)
    items.push(await step(tx, { kind: "wallet", source_id: w.sourceId, name: w.name }, (sp) => applyWallet(c(sp), w)));
  items.push(...skippedOf("wallet"));
  return items;
}

async function record(run: Omit<ImportRun, "id">): Promise<ImportRun> {
  const [row] = await db
    .insert(imports)
    .values({ id: newId("imp"), ...run })
    .returning();
  return row!;
}

export function importRunJson(r: ImportRun): ImportRunJson {
  return {
    id: r.id,
    object: "import",
    source: r.source,
    dry_run: r.dryRun,
    api_url: r.apiUrl,
    status: r.status,
    error: r.error,
    counts: r.counts,
    items: r.items,
    started_by: r.actor,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt.toISOString(),
  };
}

/**
 * Runs an import and records it. A source that refuses the key or cannot be read fails the run
 * (recorded, then thrown: 400 naming api_key, 503 naming the source) before anything is written.
 */
export async function runImport(source: ImportSource, req: ImportRequest): Promise<ImportRun> {
  const reader = READERS[source];
  const apiUrl = reader.base(req.apiUrl); // a bad URL is the request's fault: refused, not recorded
  const startedAt = new Date();
  const base = { source, dryRun: req.dryRun, apiUrl, actor: req.actor, startedAt };
  let bundle: ImportBundle;
  try {
    bundle = await reader.read(req.apiUrl, req.apiKey);
  } catch (e) {
    if (e instanceof AppError)
      await record({ ...base, status: "failed", error: e.message, counts: null, items: [], finishedAt: new Date() });
    throw e;
  }
  const ctx = { source, label: SOURCE_LABEL[source], actor: req.actor, now: req.now ?? new Date() };
  let items: ImportItem[] = [];
  try {
    await db.transaction(async (tx) => {
      // One run of a source at a time (a scheduled sync and an admin's): the second waits, then finds the first's rows.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`tally.import:${source}`}))`);
      items = await applyBundle(bundle, ctx, tx);
      if (req.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) {
      log.error({ err: e, source }, "import failed");
      await record({
        ...base,
        status: "failed",
        error: "The import failed; nothing was written.",
        counts: null,
        items: [],
        finishedAt: new Date(),
      });
      throw e;
    }
    // What a dry run created was rolled back: it has no Tally id yet.
    items = items.map((i) =>
      i.outcome === "create" || (i.kind === "wallet" && i.outcome === "update") ? { ...i, tally_id: null } : i,
    );
  }
  return record({ ...base, status: "succeeded", error: null, counts: countsOf(items), items, finishedAt: new Date() });
}

export async function listImports(limit = 50): Promise<ImportRun[]> {
  return db.select().from(imports).orderBy(desc(imports.startedAt), desc(imports.id)).limit(limit);
}
