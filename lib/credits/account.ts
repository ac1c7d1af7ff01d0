// The credit account as a pure state machine: given the balance row, the live buckets and the holds
// a movement touches, each operation changes the state and appends the ledger entries that explain
// it. No I/O; the shell in movement.ts loads the state under the organization's lock, runs the
// operation and writes what changed in one statement.
//
// The ledger amounts are chosen so that, after every entry,
//   balance (Σ amounts) = Σ bucket remaining − held − overage
// A reserve moves credits out of the balance (amount −c) without touching a bucket; a commit spends
// them from buckets (bucket_delta −d, amount 0 for the held part); a release or hold expiry moves
// them back (amount +c). Overage (spend beyond the balance, where the organization allows it) is a
// debt: an `overage` row (amount −s, no bucket) that the next credits granted repay
// (`overage_repaid`: bucket_delta −d, amount 0).
import { AppError } from "@/lib/http/errors";
import type { CreditSource, GrantOrigin, LedgerKind } from "@/lib/db/schema/credits";
import { drawOrder, isPastExpiry, planDraw, type DrawableBucket } from "./precedence";

export type BucketState = DrawableBucket & {
  amount: number;
  origin: GrantOrigin;
  expiredAt: Date | null;
  /** New in this movement: inserted rather than updated. */
  isNew?: boolean;
  /** Everything the shell needs to insert a new bucket. */
  insert?: {
    idempotencyKey: string | null;
    reference: string | null;
    creditProductId: string | null;
    subscriptionId: string | null;
    reason: string | null;
    actor: string;
  };
};

export type HoldState = { id: string; credits: number; expiresAt: Date };

/** What a group of entries answers to: one movement (the caller's) or maintenance done on the way. */
export type OpMeta = {
  operationId?: string;
  actor: string;
  idempotencyKey?: string | null;
  creditEvent?: string | null;
  quantity?: string | null;
  reference?: string | null;
  reason?: string | null;
};

export type Entry = {
  meta: OpMeta;
  kind: LedgerKind;
  bucketId: string | null;
  source: CreditSource | null;
  amount: number;
  bucketDelta: number;
  balanceAfter: number;
  heldAfter: number;
  reservationId: string | null;
};

export type AccountState = { balance: number; held: number; overage: number; buckets: BucketState[] };

export type HoldChange = { id: string; status: "committed" | "released" | "expired"; committedCredits: number | null };

export class InsufficientCredits extends AppError {
  constructor(balance: number, needed: number) {
    const shortfall = needed - Math.max(0, balance);
    super(
      "insufficient_credits",
      `Not enough credits: ${needed} needed, ${Math.max(0, balance)} available (${shortfall} short).`,
      { balance, shortfall, needed },
    );
  }
}

export class CreditAccount {
  balance: number;
  held: number;
  overage: number;
  readonly buckets: BucketState[];
  readonly entries: Entry[] = [];
  readonly changedBuckets = new Set<string>();
  readonly holdChanges: HoldChange[] = [];
  readonly newHolds: (HoldState & { meta: OpMeta })[] = [];

  constructor(
    state: AccountState,
    readonly precedence: readonly CreditSource[],
    readonly now: Date,
  ) {
    this.balance = state.balance;
    this.held = state.held;
    this.overage = state.overage;
    this.buckets = state.buckets.map((b) => ({ ...b }));
  }

  /** Σ remaining − held − overage; equals `balance` whenever the state is consistent. */
  identityBalance(): number {
    return this.buckets.reduce((s, b) => s + b.remaining, 0) - this.held - this.overage;
  }

  private bucket(id: string): BucketState {
    const b = this.buckets.find((x) => x.id === id);
    if (!b) throw new Error(`bucket ${id} not loaded`);
    return b;
  }

  private push(
    meta: OpMeta,
    kind: LedgerKind,
    amount: number,
    opts: { bucket?: BucketState; bucketDelta?: number; reservationId?: string | null } = {},
  ) {
    const b = opts.bucket;
    const delta = opts.bucketDelta ?? 0;
    if (b) {
      b.remaining += delta;
      if (b.remaining < 0) throw new Error(`bucket ${b.id} would go below zero`);
      this.changedBuckets.add(b.id);
    }
    this.balance += amount;
    this.entries.push({
      meta,
      kind,
      bucketId: b?.id ?? null,
      source: b?.source ?? null,
      amount,
      bucketDelta: delta,
      balanceAfter: this.balance,
      heldAfter: this.held,
      reservationId: opts.reservationId ?? null,
    });
  }

  /** Spend `credits` from buckets in order; the first `fromHold` credits were already out of the balance. */
  private spendFromBuckets(
    meta: OpMeta,
    kind: "consume" | "commit" | "overage_repaid" | "adjustment",
    credits: number,
    fromHold: number,
    reservationId: string | null,
  ) {
    let covered = fromHold;
    const draws = planDraw(this.buckets, credits, this.precedence, this.now);
    const drawn = draws.reduce((s, d) => s + d.credits, 0);
    // Callers check the balance first, and the balance never exceeds what the buckets hold.
    if (drawn !== credits)
      throw new Error(`credit buckets hold ${drawn} of the ${credits} credits to spend: state inconsistent`);
    for (const d of draws) {
      const heldPart = Math.min(covered, d.credits);
      covered -= heldPart;
      const balanceEffect = kind === "overage_repaid" ? 0 : heldPart - d.credits;
      this.push(meta, kind, balanceEffect, { bucket: this.bucket(d.bucketId), bucketDelta: -d.credits, reservationId });
    }
  }

  // ——— maintenance, run by every movement before (and after) its own operation ———

  /** Holds past their TTL give their credits back. */
  expireHolds(holds: HoldState[]): string[] {
    const expired: string[] = [];
    for (const h of holds) {
      if (h.expiresAt.getTime() > this.now.getTime()) continue;
      this.held -= h.credits;
      this.push({ actor: "system:hold-expiry", reason: "reservation expired" }, "expire", h.credits, {
        reservationId: h.id,
      });
      this.holdChanges.push({ id: h.id, status: "expired", committedCredits: null });
      expired.push(h.id);
    }
    return expired;
  }

  /**
   * Buckets past their expiry write off what is left — but never credits that back an active
   * hold: at most the (positive) balance is written off, and the rest goes once the hold ends.
   */
  expireBuckets(): void {
    const due = this.buckets
      .filter((b) => b.remaining > 0 && isPastExpiry(b, this.now))
      .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime() || (a.id < b.id ? -1 : 1));
    for (const b of due) {
      const amount = Math.min(b.remaining, Math.max(0, this.balance));
      if (amount > 0)
        this.push({ actor: "system:expiry", reason: "credits expired", reference: b.id }, "expire", -amount, {
          bucket: b,
          bucketDelta: -amount,
        });
      if (b.remaining === 0) {
        b.expiredAt = this.now;
        this.changedBuckets.add(b.id);
      }
    }
  }

  /** Outstanding overage is repaid from credits that are free (not held). */
  repayOverage(): void {
    const free = this.balance + this.overage; // Σ remaining − held
    if (this.overage <= 0 || free <= 0) return;
    const s = Math.min(this.overage, free);
    this.overage -= s;
    this.spendFromBuckets(
      { actor: "system:overage", reason: "outstanding overage repaid from new credits" },
      "overage_repaid",
      s,
      0,
      null,
    );
  }

  /** Repay overage from free credits (expiring ones first), then write off what has expired. */
  settle(): void {
    this.repayOverage();
    this.expireBuckets();
  }

  // ——— operations ———

  grant(bucket: BucketState, meta: OpMeta): void {
    const b = { ...bucket, remaining: 0, isNew: true };
    this.buckets.push(b);
    this.push(meta, "grant", bucket.amount, { bucket: b, bucketDelta: bucket.amount });
  }

  /**
   * Spend `credits`. Short: 402 with the balance and the shortfall and nothing spent — unless
   * overage is allowed, when the free credits are spent and the rest is recorded as overage.
   */
  consume(credits: number, meta: OpMeta, allowOverage: boolean): { overage: number } {
    if (this.balance >= credits) {
      this.spendFromBuckets(meta, "consume", credits, 0, null);
      return { overage: 0 };
    }
    if (!allowOverage) throw new InsufficientCredits(this.balance, credits);
    const fromBuckets = Math.max(0, this.balance);
    const over = credits - fromBuckets;
    this.spendFromBuckets(meta, "consume", fromBuckets, 0, null);
    this.overage += over;
    this.push(meta, "overage", -over);
    return { overage: over };
  }

  reserve(hold: HoldState, meta: OpMeta): void {
    if (this.balance < hold.credits) throw new InsufficientCredits(this.balance, hold.credits);
    this.held += hold.credits;
    this.push(meta, "reserve", -hold.credits, { reservationId: hold.id });
    this.newHolds.push({ ...hold, meta });
  }

  /**
   * Spend `credits` of a hold: up to the hold from the held credits, any excess like a consumption
   * (402 if short, unless overage is allowed); the unspent rest of the hold is released.
   */
  commit(hold: HoldState, credits: number, meta: OpMeta, allowOverage: boolean): { overage: number } {
    const fromHold = Math.min(credits, hold.credits);
    const excess = credits - fromHold;
    const unspent = hold.credits - fromHold;
    if (excess > 0 && this.balance < excess && !allowOverage) throw new InsufficientCredits(this.balance, excess);
    this.held -= hold.credits;
    const excessFromBuckets = excess > 0 ? Math.min(excess, Math.max(0, this.balance)) : 0;
    const over = excess - excessFromBuckets;
    this.spendFromBuckets(meta, "commit", fromHold + excessFromBuckets, fromHold, hold.id);
    if (over > 0) {
      this.overage += over;
      this.push(meta, "overage", -over, { reservationId: hold.id });
    }
    if (unspent > 0) this.push(meta, "release", unspent, { reservationId: hold.id });
    this.holdChanges.push({ id: hold.id, status: "committed", committedCredits: credits });
    return { overage: over };
  }

  release(hold: HoldState, meta: OpMeta): void {
    this.held -= hold.credits;
    this.push(meta, "release", hold.credits, { reservationId: hold.id });
    this.holdChanges.push({ id: hold.id, status: "released", committedCredits: null });
  }

  /**
   * An operator's correction. Positive: into `bucketId` (up to what it was granted) or a new
   * bucket. Negative: out of `bucketId`, or across buckets in precedence order; never more than
   * the balance (held credits stay held).
   */
  adjust(delta: number, meta: OpMeta, opts: { bucketId?: string | null; newBucket?: BucketState }): void {
    if (delta === 0) return;
    if (delta > 0) {
      if (opts.bucketId) {
        const b = this.bucket(opts.bucketId);
        if (b.remaining + delta > b.amount) {
          throw new AppError(
            "validation_error",
            `amount: bucket ${b.id} was granted ${b.amount} credits and holds ${b.remaining}; add at most ${b.amount - b.remaining} to it, or grant a new bucket.`,
            [{ field: "amount", message: `at most ${b.amount - b.remaining} for this bucket` }],
          );
        }
        this.push(meta, "adjustment", delta, { bucket: b, bucketDelta: delta });
        if (b.expiredAt) {
          b.expiredAt = null;
          this.changedBuckets.add(b.id);
        }
      } else {
        const nb = opts.newBucket!;
        const b = { ...nb, remaining: 0, isNew: true };
        this.buckets.push(b);
        this.push(meta, "adjustment", delta, { bucket: b, bucketDelta: delta });
      }
      return;
    }
    const take = -delta;
    if (this.balance < take) throw new InsufficientCredits(this.balance, take);
    if (opts.bucketId) {
      const b = this.bucket(opts.bucketId);
      if (b.remaining < take) {
        throw new AppError("validation_error", `amount: bucket ${b.id} holds ${b.remaining} credits.`, [
          { field: "amount", message: `at most ${b.remaining} from this bucket` },
        ]);
      }
      this.push(meta, "adjustment", delta, { bucket: b, bucketDelta: delta });
      return;
    }
    this.spendFromBuckets(meta, "adjustment", take, 0, null);
  }

  /** Give back credits to the buckets a spend came from, and cancel outstanding overage it caused. */
  refund(parts: { bucketId: string | null; credits: number }[], meta: OpMeta): number {
    let refunded = 0;
    for (const p of parts) {
      if (p.credits <= 0) continue;
      if (p.bucketId === null) {
        const cancel = Math.min(p.credits, this.overage);
        if (cancel <= 0) continue;
        this.overage -= cancel;
        this.push(meta, "refund", cancel);
        refunded += cancel;
        continue;
      }
      const b = this.bucket(p.bucketId);
      const room = b.amount - b.remaining;
      const back = Math.min(room, p.credits);
      if (back <= 0) continue;
      this.push(meta, "refund", back, { bucket: b, bucketDelta: back });
      if (b.expiredAt) {
        b.expiredAt = null;
        this.changedBuckets.add(b.id);
      }
      refunded += back;
    }
    return refunded;
  }

  /** Outstanding overage paid another way (billed on an invoice): the debt is cleared. */
  settleOverage(credits: number, meta: OpMeta): number {
    const s = Math.min(credits, this.overage);
    if (s <= 0) return 0;
    this.overage -= s;
    this.push(meta, "adjustment", s);
    return s;
  }

  /** Buckets in spending order, for callers that show what a spend would draw. */
  order(): BucketState[] {
    return drawOrder(this.buckets, this.precedence, this.now);
  }
}
