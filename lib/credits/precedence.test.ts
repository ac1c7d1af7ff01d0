import { describe, expect, it } from "vitest";
import type { CreditSource } from "@/lib/db/schema/credits";
import {
  DEFAULT_PRECEDENCE,
  drawOrder,
  normalizePrecedence,
  planDraw,
  validatePrecedence,
  type DrawableBucket,
} from "./precedence";

const now = new Date("2026-03-15T12:00:00Z");
const day = (n: number) => new Date(now.getTime() + n * 86_400_000);

function bucket(
  id: string,
  source: CreditSource,
  remaining: number,
  opts: { expiresIn?: number | null; createdDaysAgo?: number; priority?: number } = {},
): DrawableBucket {
  return {
    id,
    source,
    remaining,
    priority: opts.priority ?? 0,
    expiresAt: opts.expiresIn === undefined || opts.expiresIn === null ? null : day(opts.expiresIn),
    createdAt: day(-(opts.createdDaysAgo ?? 1)),
  };
}

describe("draw order", () => {
  const cases: { name: string; buckets: DrawableBucket[]; precedence?: CreditSource[]; order: string[] }[] = [
    {
      name: "default: purchased, then subscription, then promotional",
      buckets: [
        bucket("promo", "promotional", 10, { expiresIn: 1 }),
        bucket("sub", "subscription", 10, { expiresIn: 2 }),
        bucket("paid", "purchased", 10),
      ],
      order: ["paid", "sub", "promo"],
    },
    {
      name: "within a source the earliest expiry goes first",
      buckets: [
        bucket("late", "subscription", 5, { expiresIn: 20 }),
        bucket("soon", "subscription", 5, { expiresIn: 3 }),
      ],
      order: ["soon", "late"],
    },
    {
      name: "within a source a bucket without expiry goes after every expiring one",
      buckets: [
        bucket("forever", "promotional", 5, { createdDaysAgo: 30 }),
        bucket("expiring", "promotional", 5, { expiresIn: 300 }),
      ],
      order: ["expiring", "forever"],
    },
    {
      name: "same expiry: the oldest goes first",
      buckets: [
        bucket("new", "purchased", 5, { createdDaysAgo: 1 }),
        bucket("old", "purchased", 5, { createdDaysAgo: 9 }),
      ],
      order: ["old", "new"],
    },
    {
      name: "a lower priority goes first within its source, before expiry",
      buckets: [
        bucket("soon", "promotional", 5, { expiresIn: 1, priority: 5 }),
        bucket("urgent", "promotional", 5, { expiresIn: 9, priority: 1 }),
      ],
      order: ["urgent", "soon"],
    },
    {
      name: "priority never crosses sources",
      buckets: [bucket("promo", "promotional", 5, { priority: -10 }), bucket("paid", "purchased", 5, { priority: 10 })],
      order: ["paid", "promo"],
    },
    {
      name: "an organization's own order: subscription first",
      buckets: [
        bucket("paid", "purchased", 5),
        bucket("sub", "subscription", 5, { expiresIn: 10 }),
        bucket("promo", "promotional", 5, { expiresIn: 5 }),
      ],
      precedence: ["subscription", "promotional", "purchased"],
      order: ["sub", "promo", "paid"],
    },
    {
      name: "empty buckets are skipped",
      buckets: [bucket("empty", "purchased", 0), bucket("sub", "subscription", 5, { expiresIn: 10 })],
      order: ["sub"],
    },
    {
      name: "credits past their expiry (held, so not yet written off) go first",
      buckets: [bucket("paid", "purchased", 5), bucket("lapsed", "subscription", 5, { expiresIn: -1 })],
      order: ["lapsed", "paid"],
    },
  ];
  it.each(cases)("$name", ({ buckets, precedence, order }) => {
    expect(drawOrder(buckets, precedence ?? DEFAULT_PRECEDENCE, now).map((b) => b.id)).toEqual(order);
  });
});

describe("planning a draw", () => {
  const buckets = [
    bucket("paid", "purchased", 30),
    bucket("sub", "subscription", 50, { expiresIn: 10 }),
    bucket("promo", "promotional", 20, { expiresIn: 5 }),
  ];
  it.each([
    { credits: 10, draws: [["paid", 10]] },
    { credits: 30, draws: [["paid", 30]] },
    {
      credits: 31,
      draws: [
        ["paid", 30],
        ["sub", 1],
      ],
    },
    {
      credits: 95,
      draws: [
        ["paid", 30],
        ["sub", 50],
        ["promo", 15],
      ],
    },
    {
      credits: 100,
      draws: [
        ["paid", 30],
        ["sub", 50],
        ["promo", 20],
      ],
    },
    {
      credits: 150,
      draws: [
        ["paid", 30],
        ["sub", 50],
        ["promo", 20],
      ],
    },
    { credits: 0, draws: [] },
  ])("$credits credits are drawn as $draws", ({ credits, draws }) => {
    expect(planDraw(buckets, credits, DEFAULT_PRECEDENCE, now).map((d) => [d.bucketId, d.credits])).toEqual(draws);
  });
});

describe("precedence settings", () => {
  it.each([
    { stored: null, full: ["purchased", "subscription", "promotional"] },
    { stored: ["promotional"], full: ["promotional", "purchased", "subscription"] },
    {
      stored: ["subscription", "bogus", "subscription", "purchased"],
      full: ["subscription", "purchased", "promotional"],
    },
  ])("stored $stored is read as $full", ({ stored, full }) => {
    expect(normalizePrecedence(stored)).toEqual(full);
  });

  it.each([
    { input: ["purchased", "subscription", "promotional"], ok: true },
    { input: ["promotional", "subscription", "purchased"], ok: true },
    { input: ["purchased", "subscription"], ok: false },
    { input: ["purchased", "purchased", "promotional"], ok: false },
    { input: ["purchased", "subscription", "gift"], ok: false },
  ])("an operator's $input is valid: $ok", ({ input, ok }) => {
    expect(validatePrecedence(input) === null).toBe(ok);
  });
});
