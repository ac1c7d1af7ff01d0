import type { Operation } from "@/lib/http/openapi";
import {
  ZAdjustCredits, ZBalanceQuery, ZCommitReservation, ZConsumeCredits, ZCreateReservation, ZCreditSettingsPatch, ZCreditSettingsQuery, ZGrantCredits, ZLedgerQuery,
  ZRefundCredits, ZReleaseReservation,
} from "./schemas";

const KEY = "Idempotent: send an Idempotency-Key header (or idempotency_key in the body). The same key with the same body answers the first result again; with a different body, 409 idempotency_conflict.";

export const creditOperations: Operation[] = [
  {
    method: "get", path: "/api/v1/credits", tag: "Credits", auth: "any", summary: "Balance, holds and buckets", query: ZBalanceQuery,
    description: "balance = what can be spent now = Σ bucket remaining − held − overage = Σ ledger amounts, exact at the instant of the read. `last_transaction_id` names the ledger row whose balance_after equals it. Buckets with credits come in the order they will be spent, then (with include_spent) spent and expired ones.",
    responses: { "200": "OK", "404": "Customer not found" },
  },
  { method: "get", path: "/api/v1/credits/transactions", tag: "Credits", auth: "any", summary: "The ledger, newest first, cursor-paginated and filterable", query: ZLedgerQuery },
  {
    method: "post", path: "/api/v1/credits/consume", tag: "Credits", auth: "any", summary: "Spend credits for a credit event × quantity (or a raw amount)", body: ZConsumeCredits,
    description: `Draws buckets in the customer's precedence order (default: purchased, subscription, promotional; within a source the earliest expiry, then the oldest). Short of credits: 402 insufficient_credits with balance and shortfall, nothing spent — unless the customer allows overage, which is recorded (a negative balance) and priced per credit. ${KEY}`,
    responses: { "200": "Spent: credits per bucket, balance after", "400": "Invalid field, or an unknown or inactive event_name", "402": "Insufficient credits", "409": "Idempotency conflict" },
  },
  {
    method: "post", path: "/api/v1/credits/reservations", tag: "Credits", auth: "any", summary: "Hold credits for in-flight work", body: ZCreateReservation,
    description: `Held credits leave the balance at once and cannot be spent twice. A hold returns its credits when its TTL passes. ${KEY}`,
    responses: { "201": "Reservation", "402": "Insufficient credits", "409": "Idempotency conflict" },
  },
  { method: "get", path: "/api/v1/credits/reservations/{id}", tag: "Credits", auth: "any", summary: "A reservation and its status", responses: { "200": "OK", "404": "Not found (or another customer's)" } },
  {
    method: "post", path: "/api/v1/credits/reservations/{id}/commit", tag: "Credits", auth: "any", summary: "Spend all or part of a hold; the rest is released", body: ZCommitReservation,
    description: "Credits beyond the hold are spent like a consumption. The same commit again answers the first result; a different one, or a commit after release or expiry, is a 409.",
    responses: { "200": "Committed", "402": "Insufficient credits for the excess", "404": "Not found (or another customer's)", "409": "Already committed, released or expired" },
  },
  {
    method: "post", path: "/api/v1/credits/reservations/{id}/release", tag: "Credits", auth: "any", summary: "Give a hold back", body: ZReleaseReservation,
    responses: { "200": "Released", "404": "Not found (or another customer's)", "409": "Already committed or expired" },
  },
  {
    method: "post", path: "/api/v1/credits/grants", tag: "Credits", auth: "operator", summary: "Grant credits (promotional or manual) as a new bucket", body: ZGrantCredits,
    description: KEY, responses: { "201": "Grant", "400": "Invalid field", "409": "Idempotency conflict" },
  },
  {
    method: "post", path: "/api/v1/credits/adjustments", tag: "Credits", auth: "operator", summary: "Correct a balance: add to or take from a bucket, with a reason", body: ZAdjustCredits,
    description: `Negative adjustments never take held credits. ${KEY}`, responses: { "201": "Adjustment", "400": "Invalid field", "402": "Not enough credits to take", "409": "Idempotency conflict" },
  },
  {
    method: "post", path: "/api/v1/credits/refunds", tag: "Credits", auth: "operator", summary: "Refund a consumption or commit to the buckets it came from", body: ZRefundCredits,
    description: KEY, responses: { "201": "Refund", "404": "Consumption not found", "409": "Already refunded in full, or idempotency conflict" },
  },
  { method: "get", path: "/api/v1/credits/settings", tag: "Credits", auth: "any", summary: "Precedence, overage and low-balance settings", query: ZCreditSettingsQuery },
  { method: "patch", path: "/api/v1/credits/settings", tag: "Credits", auth: "operator", summary: "Change precedence, overage and low-balance settings", body: ZCreditSettingsPatch, responses: { "200": "OK", "400": "Invalid field" } },
];
