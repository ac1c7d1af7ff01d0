import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { checkWebhookSignature, signedAt } from "./webhook-signature";

const secret = "whsec_unit";
const payload = '{"id":"evt_1"}';
const nowMs = 1_800_000_000_000;
const at = (offsetSeconds: number) =>
  new Stripe("sk_test_signing_only").webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: nowMs / 1000 + offsetSeconds,
  });

describe("the Stripe-Signature check", () => {
  it.each([
    [0, { ok: true }],
    [-300, { ok: true }],
    [300, { ok: true }],
    [-301, { ok: false, reason: "stale", secondsOff: 301 }],
    [301, { ok: false, reason: "future", secondsOff: 301 }],
    [86_400, { ok: false, reason: "future", secondsOff: 86_400 }],
  ])("signed %i s from now → %o", (offset, verdict) => {
    expect(checkWebhookSignature(payload, at(offset), secret, nowMs)).toEqual(verdict);
  });

  it("refuses a wrong secret or an altered body before looking at the time", () => {
    expect(checkWebhookSignature(payload, at(0), "whsec_other", nowMs)).toEqual({ ok: false, reason: "invalid" });
    expect(checkWebhookSignature(payload.replace("1", "2"), at(86_400), secret, nowMs)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("reads the timestamp the SDK checks: the last t=", () => {
    expect(signedAt("t=1,v1=abc,t=2")).toBe(2);
    expect(signedAt("v1=abc")).toBeNull();
    expect(signedAt("t=soon,v1=abc")).toBeNull();
  });
});
