import { describe, expect, it } from "vitest";
import { allocationWindow, type AllocationSubscription } from "./allocation-window";

const d = (s: string) => new Date(s);
const sub = (over: Partial<AllocationSubscription>): AllocationSubscription => ({
  id: "sub_1",
  status: "active",
  interval: "month",
  currentPeriodStart: d("2026-01-31T10:00:00Z"),
  currentPeriodEnd: d("2026-02-28T10:00:00Z"),
  ...over,
});

describe("allocation windows", () => {
  it.each([
    {
      name: "a monthly plan: the current period",
      s: sub({}),
      at: "2026-02-10T00:00:00Z",
      window: ["2026-01-31T10:00:00.000Z", "2026-02-28T10:00:00.000Z"],
    },
    {
      name: "a trial: the trial period, whatever the interval",
      s: sub({
        status: "trialing",
        interval: "year",
        currentPeriodStart: d("2026-03-01T00:00:00Z"),
        currentPeriodEnd: d("2026-03-15T00:00:00Z"),
      }),
      at: "2026-03-02T00:00:00Z",
      window: ["2026-03-01T00:00:00.000Z", "2026-03-15T00:00:00.000Z"],
    },
    {
      name: "a yearly plan, first month",
      s: sub({
        interval: "year",
        currentPeriodStart: d("2026-01-31T10:00:00Z"),
        currentPeriodEnd: d("2027-01-31T10:00:00Z"),
      }),
      at: "2026-01-31T10:00:00Z",
      window: ["2026-01-31T10:00:00.000Z", "2026-02-28T10:00:00.000Z"],
    },
    {
      name: "a yearly plan, a later month counted from the period start (no drift to the 28th)",
      s: sub({
        interval: "year",
        currentPeriodStart: d("2026-01-31T10:00:00Z"),
        currentPeriodEnd: d("2027-01-31T10:00:00Z"),
      }),
      at: "2026-03-31T10:00:00Z",
      window: ["2026-03-31T10:00:00.000Z", "2026-04-30T10:00:00.000Z"],
    },
    {
      name: "a yearly plan, the last month ends with the period",
      s: sub({
        interval: "year",
        currentPeriodStart: d("2026-01-31T10:00:00Z"),
        currentPeriodEnd: d("2027-01-31T10:00:00Z"),
      }),
      at: "2027-01-15T00:00:00Z",
      window: ["2026-12-31T10:00:00.000Z", "2027-01-31T10:00:00.000Z"],
    },
  ])("$name", ({ s, at, window }) => {
    const w = allocationWindow(s, d(at))!;
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual(window);
    expect(w.key).toBe(`alloc:sub_1:${window[0]}`);
  });

  it("gives every moment of a yearly period exactly one of twelve windows", () => {
    const s = sub({
      interval: "year",
      currentPeriodStart: d("2026-01-31T10:00:00Z"),
      currentPeriodEnd: d("2027-01-31T10:00:00Z"),
    });
    const keys = new Set<string>();
    for (let t = s.currentPeriodStart.getTime(); t < s.currentPeriodEnd.getTime(); t += 6 * 3_600_000)
      keys.add(allocationWindow(s, new Date(t))!.key);
    expect(keys.size).toBe(12);
  });

  it("has no window once the period is over and not yet renewed", () => {
    expect(allocationWindow(sub({}), d("2026-03-01T00:00:00Z"))).toBeNull();
  });
});
