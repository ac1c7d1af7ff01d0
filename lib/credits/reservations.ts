// Reservations: hold credits for in-flight work (an AI call, a voice call), then commit all or part
// of them, or release them. A hold past its TTL returns its credits on its own — lazily, in the
// next movement of its organization, and by the expiry job. Held credits are out of the balance
// from the moment of the hold, so they cannot be spent twice.
//
// A commit may spend more than was held: the excess is spent like a consumption (402 when short,
// unless overage is allowed). Commit and release are idempotent by the reservation's state: the
// same commit again answers the first result; a different commit, or a commit after a release or
// an expiry, is a 409.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditReservations } from "@/lib/db/schema";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { dec } from "@/lib/money";
import { InsufficientCredits, type OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { runIdempotentMovement, runOwnMovement } from "./movement";
import type { ReservationRow } from "./movement-load";
import { spentByBucket } from "./serialize";
import type { ReservationJson } from "./schemas";

function reservationJson(r: ReservationRow): ReservationJson {
  return {
    id: r.id,
    object: "credit_reservation",
    customer_id: r.orgId,
    credits: r.credits,
    status: r.status,
    expires_at: r.expiresAt.toISOString(),
    reference: r.reference,
    committed_credits: r.committedCredits,
    released_credits:
      r.status === "committed"
        ? Math.max(0, r.credits - (r.committedCredits ?? 0))
        : r.status === "active"
          ? null
          : r.credits,
    created_at: r.createdAt.toISOString(),
    closed_at: r.closedAt?.toISOString() ?? null,
  };
}

export async function reserveCredits(
  orgId: string,
  input: {
    credits: number;
    ttlSeconds: number;
    idempotencyKey: string;
    reference?: string | null;
    actor: string;
    now?: Date;
  },
): Promise<{ status: number; body: ReservationJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  const id = newId("rsv");
  const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000);
  const claim = {
    orgId,
    scope: "credits.reserve",
    key: input.idempotencyKey,
    request: { credits: input.credits, ttl_seconds: input.ttlSeconds, reference: input.reference ?? null },
  };
  const meta: OpMeta = {
    operationId: newId("led"),
    actor: input.actor,
    idempotencyKey: input.idempotencyKey,
    reference: input.reference ?? null,
  };
  try {
    const res = await runIdempotentMovement(
      orgId,
      now,
      claim,
      {},
      (account) => account.reserve({ id, credits: input.credits, expiresAt }, meta),
      (w) => ({
        status: 201,
        body: {
          ...reservationJson({
            id,
            orgId,
            credits: input.credits,
            status: "active",
            expiresAt,
            committedCredits: null,
            idempotencyKey: input.idempotencyKey,
            reference: input.reference ?? null,
            createdAt: now,
            closedAt: null,
            result: null,
          }),
          balance_after: w.balance,
          held: w.held,
        },
      }),
    );
    if (!res.replayed) await afterMovement(orgId, res.outcome);
    return { status: res.status, body: res.body, replayed: res.replayed };
  } catch (e) {
    if (e instanceof InsufficientCredits) metrics.creditRefusals.inc({ operation: "reserve" });
    throw e;
  }
}

/** The organization a reservation belongs to, for operators who name only its id. */
export async function reservationOrg(reservationId: string): Promise<string | null> {
  const [row] = await db
    .select({ orgId: creditReservations.orgId })
    .from(creditReservations)
    .where(eq(creditReservations.id, reservationId));
  return row?.orgId ?? null;
}

export async function getReservation(orgId: string, reservationId: string, now = new Date()): Promise<ReservationJson> {
  const [row] = await db
    .select()
    .from(creditReservations)
    .where(and(eq(creditReservations.orgId, orgId), eq(creditReservations.id, reservationId)));
  if (!row) throw notFound("Reservation");
  const json = reservationJson({ ...row, result: row.result });
  // An active hold past its TTL is expired whether or not the job has written it yet.
  if (row.status === "active" && row.expiresAt.getTime() <= now.getTime()) json.status = "expired";
  return json;
}

function closedConflict(r: ReservationRow, what: string): AppError {
  if (r.status === "expired")
    return conflict(
      `Reservation ${r.id} expired at ${r.expiresAt.toISOString()} and its credits were returned; ${what} is no longer possible. Consume the credits directly instead.`,
    );
  if (r.status === "released") return conflict(`Reservation ${r.id} was released; ${what} is no longer possible.`);
  return conflict(`Reservation ${r.id} was already committed with ${r.committedCredits} credits.`);
}

export async function commitReservation(
  orgId: string,
  reservationId: string,
  input: { credits: number; actor: string; now?: Date },
): Promise<{ body: ReservationJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  const operationId = newId("led");
  try {
    const outcome = await runOwnMovement(orgId, now, { holdId: reservationId, operationId }, (account, ctx) => {
      const r = ctx.hold;
      if (!r) throw notFound("Reservation");
      if (r.status === "committed" && r.committedCredits === input.credits && r.result)
        return r.result as ReservationJson;
      if (r.status !== "active") throw closedConflict(r, "a commit");
      const meta: OpMeta = {
        operationId,
        actor: input.actor,
        idempotencyKey: r.idempotencyKey,
        reference: r.reference,
      };
      const { overage } = account.commit(
        { id: r.id, credits: r.credits, expiresAt: r.expiresAt },
        input.credits,
        meta,
        ctx.settings.allowOverage,
      );
      ctx.holdResult = {
        id: r.id,
        result: (w): ReservationJson => ({
          ...reservationJson({ ...r, status: "committed", committedCredits: input.credits, closedAt: now }),
          spent: spentByBucket(w.entries, operationId, ["commit"]),
          overage_credits: overage,
          overage_cost:
            overage > 0 && w.overagePrice?.unitPrice ? dec(w.overagePrice.unitPrice).mul(overage).toFixed() : null,
          balance_after: w.balance,
          held: w.held,
        }),
      };
      return null;
    });
    if (outcome.result) return { body: outcome.result, replayed: true };
    await afterMovement(orgId, outcome);
    return { body: outcome.holdResult as ReservationJson, replayed: false };
  } catch (e) {
    if (e instanceof InsufficientCredits) metrics.creditRefusals.inc({ operation: "commit" });
    throw e;
  }
}

export async function releaseReservation(
  orgId: string,
  reservationId: string,
  input: { actor: string; now?: Date },
): Promise<{ body: ReservationJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  const outcome = await runOwnMovement(orgId, now, { holdId: reservationId }, (account, ctx) => {
    const r = ctx.hold;
    if (!r) throw notFound("Reservation");
    if (r.status === "released") return { reservation: r, replayed: true };
    if (r.status !== "active") throw closedConflict(r, "a release");
    account.release(
      { id: r.id, credits: r.credits, expiresAt: r.expiresAt },
      { operationId: newId("led"), actor: input.actor, idempotencyKey: r.idempotencyKey, reference: r.reference },
    );
    return { reservation: { ...r, status: "released" as const, closedAt: now }, replayed: false };
  });
  await afterMovement(orgId, outcome);
  return {
    body: { ...reservationJson(outcome.result.reservation), balance_after: outcome.balance, held: outcome.held },
    replayed: outcome.result.replayed,
  };
}
