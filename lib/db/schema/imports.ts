// Imports from other billing systems (FlexPrice, Lago): each run with its per-item results, the
// link from every imported source object to the Tally row it became (so a run again updates instead
// of duplicating), and an optional schedule with the source's API key sealed (lib/secret-box.ts).
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const IMPORT_SOURCES = ["flexprice", "lago"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const IMPORT_KINDS = ["meter", "plan", "customer", "subscription", "wallet"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_OUTCOMES = ["create", "update", "unchanged", "skipped"] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** One source object's result in a run. */
export type ImportItem = {
  kind: ImportKind;
  source_id: string;
  name: string;
  outcome: ImportOutcome;
  /** Why it was skipped, or what an update changed. */
  reason: string | null;
  /** The Tally row it became (or would become: null on a dry run's creations). */
  tally_id: string | null;
};

export type ImportCounts = Record<ImportKind, Record<ImportOutcome, number>>;

export const imports = pgTable(
  "imports",
  {
    id: text().primaryKey(),
    source: text().$type<ImportSource>().notNull(),
    dryRun: boolean().notNull(),
    /** The API base the run read (never the key). */
    apiUrl: text().notNull(),
    status: text().$type<"succeeded" | "failed">().notNull(),
    /** Why a failed run failed (the source's refusal, unreachable, …); null when it succeeded. */
    error: text(),
    counts: jsonb().$type<ImportCounts>(),
    items: jsonb().$type<ImportItem[]>().notNull().default([]),
    /** `user:<id>`, `key:<id>` or `job:import-schedule`. */
    actor: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("imports_started_idx").on(t.startedAt)],
);

/** A source object already imported: (source, kind, source id) → the Tally row. */
export const importLinks = pgTable(
  "import_links",
  {
    source: text().$type<ImportSource>().notNull(),
    kind: text().$type<ImportKind>().notNull(),
    sourceId: text().notNull(),
    targetId: text().notNull(),
    /** A digest of what was imported last, so an unchanged source object is reported unchanged. */
    fingerprint: text().notNull(),
    /** Kind-specific state (a wallet's credits imported so far). */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "import_links_pkey", columns: [t.source, t.kind, t.sourceId] })],
);

/** A source synced again every N hours by the import-schedule job; one schedule per source. */
export const importSchedules = pgTable(
  "import_schedules",
  {
    id: text().primaryKey(),
    source: text().$type<ImportSource>().notNull(),
    apiUrl: text().notNull(),
    /** The source's API key, sealed (lib/secret-box.ts, purpose `import-schedule:<source>`). */
    apiKeySealed: text().notNull(),
    everyHours: integer().notNull(),
    nextRunAt: timestamp({ withTimezone: true }).notNull(),
    lastImportId: text(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("import_schedules_source_key").on(t.source), index("import_schedules_due_idx").on(t.nextRunAt)],
);

export type ImportRun = typeof imports.$inferSelect;
export type ImportLink = typeof importLinks.$inferSelect;
export type ImportSchedule = typeof importSchedules.$inferSelect;
