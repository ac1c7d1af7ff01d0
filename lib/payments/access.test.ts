import { describe, expect, it } from "vitest";
import { accessFor } from "./access";

const now = new Date("2026-06-10T00:00:00Z");
const sub = (status: string, pastDueDaysAgo?: number) => ({
  status,
  pastDueSince: pastDueDaysAgo === undefined ? null : new Date(now.getTime() - pastDueDaysAgo * 86_400_000),
  currentPeriodEnd: now,
  trialEnd: null,
});

describe("access to paid features", () => {
  it.each([
    ["active", sub("active"), "full"],
    ["trialing", sub("trialing"), "full"],
    ["past due inside the grace period", sub("past_due", 3), "grace"],
    ["past due past the grace period", sub("past_due", 8), "reduced"],
    ["incomplete (first payment pending)", sub("incomplete"), "none"],
    ["canceled", sub("canceled"), "none"],
    ["no subscription", null, "none"],
  ])("%s → %s", (_n, s, level) => {
    expect(accessFor(s, now, 7).level).toBe(level);
  });

  it("says when the grace period ends", () => {
    expect(accessFor(sub("past_due", 2), now, 7).graceEndsAt?.toISOString()).toBe("2026-06-15T00:00:00.000Z");
  });
});
