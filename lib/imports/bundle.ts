// What a source's data comes to in Tally's terms, before anything is written: the same shapes for
// FlexPrice and Lago, so one set of steps (apply-steps.ts) writes either. Objects Tally cannot
// carry are listed as skipped, with the reason, by the source's mapping.
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/canonical-json";
import { dec, isDecimalString } from "@/lib/money";
import type { Aggregation, ImportKind, ImportSource, PlanInterval } from "@/lib/db/schema";
import type { Charge } from "@/lib/rating";

export type MeterSpec = {
  sourceId: string;
  name: string;
  code: string;
  eventName: string;
  aggregation: Aggregation;
  property: string | null;
  filters: Record<string, string[]>;
};

export type PlanSpec = {
  sourceId: string;
  /** The plan's import id in Tally (plans.import_id): FlexPrice's plan id, `lago:<code>` for Lago. */
  importId: string;
  name: string;
  description: string;
  currency: string;
  interval: PlanInterval;
  base_price: string;
  trial_days?: number;
  charges: Charge[];
  /** Parts of the source plan left out (another billing period, a charge's minimum). */
  notes: string[];
};

export type CustomerSpec = { sourceId: string; name: string; email: string | null; externalId: string | null };

export type SubscriptionSpec = {
  sourceId: string;
  name: string;
  customerSourceId: string;
  /** The plan's import id (PlanSpec.importId). */
  planImportId: string;
  interval: PlanInterval | null;
  /** "ended": canceled or terminated at the source; imported never, reported. */
  state: "live" | "ended";
  sourceStatus: string;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  externalId: string | null;
};

export type WalletSpec = {
  sourceId: string;
  name: string;
  customerSourceId: string;
  /** Whole credits now in the source's wallet. */
  credits: number;
  expiresAt: Date | null;
};

/** A wallet's credit balance as Tally credits (whole, not negative), or why it cannot be one. */
export function wholeCredits(balance: string): { credits: number } | { skip: string } {
  if (!isDecimalString(balance) || !dec(balance).isInteger() || dec(balance).isNeg())
    return { skip: `a balance of ${balance} credits: Tally credits are whole numbers` };
  return { credits: dec(balance).toNumber() };
}

export type SkippedSpec = { kind: ImportKind; sourceId: string; name: string; reason: string };

export type ImportBundle = {
  source: ImportSource;
  meters: MeterSpec[];
  plans: PlanSpec[];
  customers: CustomerSpec[];
  subscriptions: SubscriptionSpec[];
  wallets: WalletSpec[];
  skipped: SkippedSpec[];
};

/** A digest of what an object was imported as: equal digests mean nothing changed at the source. */
export const fingerprint = (spec: unknown) => createHash("sha256").update(canonicalJson(spec)).digest("hex");

/** A code Tally accepts (lowercase letters, digits, `.`, `_`, `-`), from a source's name or id. */
export const toCode = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "_")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 100) || "meter";
