import { describe, expect, it } from "vitest";
import { hourRange, limitPeriod, requestRange } from "./limit-period";

const d = (s: string) => new Date(s);

describe("hour ranges", () => {
  it("reads a period as the whole hours it starts in, so adjacent periods share no hour", () => {
    const a = hourRange({ start: d("2026-01-05T10:37:00Z"), end: d("2026-02-05T10:37:00Z") });
    const b = hourRange({ start: d("2026-02-05T10:37:00Z"), end: d("2026-03-05T10:37:00Z") });
    expect(a).toEqual({ start: d("2026-01-05T10:00:00Z"), end: d("2026-02-05T10:00:00Z") });
    expect(b.start).toEqual(a.end);
  });

  it.each([
    ["2026-01-05T10:37:00Z", "2026-01-05T12:00:00Z", "2026-01-05T12:30:00Z", "2026-01-05T12:00:00Z"],
    ["2026-01-05T10:37:00Z", "2026-01-05T12:20:00Z", "2026-01-05T12:30:00Z", "2026-01-05T13:00:00Z"],
    ["2026-01-05T10:37:00Z", "2026-01-05T11:20:00Z", "2026-01-05T12:30:00Z", "2026-01-05T11:00:00Z"],
  ])("from %s to %s at %s ends at %s (a `to` inside the current hour includes it)", (from, to, now, end) => {
    expect(requestRange(d(from), d(to), d(now))).toEqual({ start: d("2026-01-05T10:00:00Z"), end: d(end) });
  });
});

describe("limitPeriod", () => {
  const anchor = d("2026-01-31T10:37:00Z");
  it.each([
    ["month", "active", "2026-02-10T00:00:00Z", "2026-01-31T10:37:00Z", "2026-02-28T10:37:00Z"],
    ["year", "active", "2026-02-10T00:00:00Z", "2026-01-31T10:37:00Z", "2026-02-28T10:37:00Z"],
    ["year", "active", "2026-03-31T10:36:00Z", "2026-02-28T10:37:00Z", "2026-03-31T10:37:00Z"],
    ["year", "active", "2026-03-31T10:37:00Z", "2026-03-31T10:37:00Z", "2026-04-30T10:37:00Z"],
  ] as const)("a %s plan (%s) at %s counts from %s to %s", (interval, status, now, start, end) => {
    const sub = {
      interval,
      status,
      billingAnchor: anchor,
      currentPeriodStart: anchor,
      currentPeriodEnd: interval === "month" ? d("2026-02-28T10:37:00Z") : d("2027-01-31T10:37:00Z"),
    };
    expect(limitPeriod(sub, d(now))).toEqual({ start: d(start), end: d(end) });
  });

  it("counts a trial as its own period", () => {
    const trial = {
      interval: "year" as const,
      status: "trialing" as const,
      billingAnchor: d("2026-02-14T00:00:00Z"),
      currentPeriodStart: d("2026-01-31T00:00:00Z"),
      currentPeriodEnd: d("2026-02-14T00:00:00Z"),
    };
    expect(limitPeriod(trial, d("2026-02-01T00:00:00Z"))).toEqual({
      start: d("2026-01-31T00:00:00Z"),
      end: d("2026-02-14T00:00:00Z"),
    });
  });
});
