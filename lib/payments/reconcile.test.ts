import { describe, expect, test } from "vitest";
import { reconcilePeriod } from "./reconcile";

const now = new Date("2026-12-21T12:00:00Z");
const createdAt = new Date("2026-12-21T01:00:00Z");
const lines = [
  { id: "l1", amountCents: 54, description: "Minutes" },
  { id: "l2", amountCents: 1000, description: "Agent plan" },
  { id: "l0", amountCents: 0, description: "Free tier" },
];
const invoice = (over: Partial<Parameters<typeof reconcilePeriod>[0]["invoice"] & object> = {}) => ({
  id: "in_1",
  status: "paid",
  total: 3954,
  amountPaid: 3954,
  dueDate: null,
  finalizedAt: new Date("2026-12-21T02:00:00Z"),
  hostedUrl: null,
  lines: [
    { tallyLineId: null, amount: 2900 },
    { tallyLineId: "l1", amount: 54 },
    { tallyLineId: "l2", amount: 1000 },
  ],
  ...over,
});

describe("reconcilePeriod", () => {
  test.each([
    {
      name: "every line on a paid invoice: invoiced and collected, no difference",
      input: { status: "billed" as const, invoice: invoice() },
      kinds: [],
      invoiced: 1054,
      collected: 1054,
    },
    {
      name: "a line missing from Stripe's invoice",
      input: { status: "billed" as const, invoice: invoice({ lines: [{ tallyLineId: "l1", amount: 54 }] }) },
      kinds: ["missing_item"],
      invoiced: 54,
      collected: 54,
    },
    {
      name: "an amount that differs by a cent",
      input: {
        status: "billed" as const,
        invoice: invoice({
          lines: [
            { tallyLineId: "l1", amount: 53 },
            { tallyLineId: "l2", amount: 1000 },
          ],
        }),
      },
      kinds: ["amount_off"],
      invoiced: 1053,
      collected: 1053,
    },
    {
      name: "open a week after finalizing: unpaid past due, nothing collected",
      input: {
        status: "billed" as const,
        invoice: invoice({ status: "open", amountPaid: 0, finalizedAt: new Date("2026-12-10T00:00:00Z") }),
      },
      kinds: ["unpaid_past_due"],
      invoiced: 1054,
      collected: 0,
    },
    {
      name: "open and still within the retry window: no difference yet",
      input: { status: "billed" as const, invoice: invoice({ status: "open", amountPaid: 0 }) },
      kinds: [],
      invoiced: 1054,
      collected: 0,
    },
    {
      name: "voided: not collected",
      input: { status: "billed" as const, invoice: invoice({ status: "void" }) },
      kinds: ["not_collected"],
      invoiced: 1054,
      collected: 0,
    },
    {
      name: "billed but Stripe has no invoice",
      input: { status: "billed" as const, invoice: null },
      kinds: ["invoice_missing"],
      invoiced: 0,
      collected: 0,
    },
    {
      name: "lines still being added a few hours in: not a difference",
      input: { status: "pending" as const, invoice: null },
      kinds: [],
      invoiced: 0,
      collected: 0,
    },
    {
      name: "lines not added two days on",
      input: { status: "pending" as const, invoice: null, createdAt: new Date("2026-12-19T00:00:00Z") },
      kinds: ["not_added"],
      invoiced: 0,
      collected: 0,
    },
  ])("$name", ({ input, kinds, invoiced, collected }) => {
    const r = reconcilePeriod({ lines, createdAt, now, ...input });
    expect(r.differences.map((d) => d.kind)).toEqual(kinds);
    expect([r.invoicedCents, r.collectedCents]).toEqual([invoiced, collected]);
  });
});
