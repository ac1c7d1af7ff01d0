import { describe, expect, test } from "vitest";
import type { Charge } from "@/lib/rating";
import {
  periodLines,
  projectToPeriodEnd,
  totalCents,
  type PeriodInput,
  type PlanRef,
  type PlanSegment,
} from "./period-lines";

const start = new Date("2026-11-21T00:00:00Z");
const end = new Date("2026-12-21T00:00:00Z");
const mid = new Date("2026-12-06T00:00:00Z");
const perUnit = (meter: string, unit_price: string, included?: string): Charge => ({
  type: "usage",
  meter,
  model: "per_unit",
  unit_price,
  ...(included && { included_quantity: included }),
});
const plan = (id: string, charges: Charge[], currency = "usd"): PlanRef => ({ id, name: id, currency, charges });

const starter = plan("starter", [perUnit("api_calls", "0.01", "100")]);
const pro = plan("pro", [perUnit("api_calls", "0.005")]);
const proIncluded = plan("pro_inc", [perUnit("api_calls", "0.005", "300")]);
const third = new Date("2026-12-01T00:00:00Z");
const voiceAgent = plan("voice", [
  perUnit("voice_minutes", "0.05"),
  perUnit("api_calls", "0.01"),
  { type: "fixed", name: "Monthly Fee", amount: "10.00" },
]);

const base = (over: Partial<PeriodInput> = {}): PeriodInput => ({
  subscriptionId: "sub_1",
  period: { start, end },
  currency: "usd",
  segments: [{ start, end, plan: starter, usage: { api_calls: "1100" } }],
  calls: [],
  agentPlans: [],
  overage: [],
  ...over,
});

const flexCall = (callId: string, agentId = "agt_1") => ({
  callId,
  agentId,
  planId: "voice",
  planName: "voice",
  currency: "usd",
  amounts: { voice_minutes: "0.275", api_calls: "0.1" },
  quantities: { voice_minutes: "5.5", api_calls: "10" },
});

type Row = { name: string; input: PeriodInput; lines: [kind: string, key: string, cents: number][] };

const rows: Row[] = [
  {
    name: "usage past the included units is rated on the plan",
    input: base(),
    lines: [["usage", "starter:api_calls", 1000]],
  },
  {
    name: "a meter whose whole usage is drawn from credits is not billed in arrears as well",
    input: base({
      segments: [{ start, end, plan: starter, usage: { api_calls: "1100" }, drawn: { api_calls: "1100" } }],
      overage: [{ credits: 50, unitPrice: "0.02", currency: "usd" }],
    }),
    lines: [["overage", "0.02", 100]],
  },
  {
    name: "linked mid-period: only the usage not drawn from credits is billed, past the included units",
    // 1100 in the period, 700 of it ingested after the link (drawn): 400 − 100 included = 300 × 0.01.
    input: base({
      segments: [{ start, end, plan: starter, usage: { api_calls: "1100" }, drawn: { api_calls: "700" } }],
    }),
    lines: [["usage", "starter:api_calls", 300]],
  },
  {
    name: "a group charge's meter drawn in part: each group value billed less what it drew",
    input: base({
      segments: [
        {
          start,
          end,
          plan: plan("grp", [
            { type: "usage", meter: "tokens", model: "group", group_by: "model", prices: { a: "0.01", b: "0.02" } },
          ]),
          usage: { tokens: { groups: { a: "1000", b: "500" } } },
          drawn: { tokens: { groups: { a: "400" } } },
        },
      ],
    }),
    // a: 600 × 0.01 = 6.00; b: 500 × 0.02 = 10.00.
    lines: [["usage", "grp:tokens", 1600]],
  },
  {
    name: "a meter drawn from credits is billed in arrears too when the plan says both",
    input: base({
      segments: [
        {
          start,
          end,
          plan: plan("both", [{ ...perUnit("api_calls", "0.01", "100"), usage_billing: "both" } as Charge]),
          usage: { api_calls: "1100" },
          drawn: { api_calls: "1100" },
        },
      ],
    }),
    lines: [["usage", "both:api_calls", 1000]],
  },
  {
    name: "no usage and nothing billable gives no line",
    input: base({ segments: [{ start, end, plan: starter, usage: {} }] }),
    lines: [],
  },
  {
    name: "a plan change mid-period splits it: before on the old plan, after on the new, each with its included units prorated",
    input: base({
      segments: [
        { start, end: mid, plan: starter, usage: { api_calls: "300" } },
        { start: mid, end, plan: pro, usage: { api_calls: "1000" } },
      ],
    }),
    // Starter held half the period: 50 of its 100 included; 250 × 0.01.
    lines: [
      ["usage", `starter:api_calls:${start.toISOString()}`, 250],
      ["usage", `pro:api_calls:${mid.toISOString()}`, 500],
    ],
  },
  {
    name: "an upgrade a third of the way through: each plan's included units by its share of the period, exactly",
    input: base({
      segments: [
        { start, end: third, plan: starter, usage: { api_calls: "300" } },
        { start: third, end, plan: proIncluded, usage: { api_calls: "1000" } },
      ],
    }),
    // Starter: 100 × 1/3 = 33.333333 included, 266.666667 × 0.01 = 2.66666667 → 267 cents.
    // Pro: 300 × 2/3 = 200 included, 800 × 0.005 = 4.00.
    lines: [
      ["usage", `starter:api_calls:${start.toISOString()}`, 267],
      ["usage", `pro_inc:api_calls:${third.toISOString()}`, 400],
    ],
  },
  {
    name: "the FlexPrice call: its usage part (0.375) is a call line, its $10 fee a per-agent line, not per call",
    input: base({
      segments: [],
      calls: [flexCall("c1")],
      agentPlans: [{ agentId: "agt_1", agentName: "Support bot", plan: voiceAgent }],
    }),
    lines: [
      ["call_usage", "voice:api_calls", 10],
      ["call_usage", "voice:voice_minutes", 28],
      ["agent_fixed", "agt_1:voice", 1000],
    ],
  },
  {
    name: "three calls are summed exactly before the one rounding: 3 × 0.275 = 0.825 → 83 cents, not 3 × 28",
    input: base({
      segments: [],
      calls: [flexCall("c1"), flexCall("c2"), flexCall("c3")],
      agentPlans: [
        { agentId: "agt_1", agentName: "a", plan: voiceAgent },
        { agentId: "agt_1", agentName: "a", plan: voiceAgent },
      ],
    }),
    lines: [
      ["call_usage", "voice:api_calls", 30],
      ["call_usage", "voice:voice_minutes", 83],
      ["agent_fixed", "agt_1:voice", 1000],
    ],
  },
  {
    name: "an agent that held the plan but made no call still owes the fixed charge, once",
    input: base({ segments: [], agentPlans: [{ agentId: "agt_2", agentName: "Idle", plan: voiceAgent }] }),
    lines: [["agent_fixed", "agt_2:voice", 1000]],
  },
  {
    name: "credit overage is priced at the price it was recorded at, one line per price",
    input: base({
      segments: [],
      overage: [
        { credits: 150, unitPrice: "0.01", currency: "usd" },
        { credits: 50, unitPrice: "0.01", currency: "usd" },
        { credits: 3, unitPrice: "0.0125", currency: "usd" },
      ],
    }),
    lines: [
      ["overage", "0.01", 200],
      ["overage", "0.0125", 4],
    ],
  },
  {
    name: "overage repaid meanwhile by credits granted is not billed: only the 120 credits still owed, newest first",
    input: base({
      segments: [],
      overageOutstanding: 120,
      overage: [
        { credits: 100, unitPrice: "0.02", currency: "usd" },
        { credits: 100, unitPrice: "0.01", currency: "usd" },
      ],
    }),
    lines: [
      ["overage", "0.01", 20],
      ["overage", "0.02", 200],
    ],
  },
  {
    name: "amounts in another currency than the subscription's are left out rather than mixed",
    input: base({
      segments: [],
      calls: [{ ...flexCall("c1"), currency: "eur" }],
      overage: [{ credits: 10, unitPrice: "1", currency: "eur" }],
    }),
    lines: [],
  },
];

describe("periodLines", () => {
  for (const r of rows) {
    test(r.name, () => {
      const lines = periodLines(r.input);
      expect(lines.map((l) => [l.kind, l.key, l.amountCents])).toEqual(r.lines);
      for (const l of lines) expect(l.id).toBe(`sub_1:${start.toISOString()}:${l.kind}:${l.key}`);
    });
  }

  test("the same input gives the same lines and ids (so whoever adds them keys on them once)", () => {
    const input = base({
      calls: [flexCall("c1")],
      agentPlans: [{ agentId: "agt_1", agentName: "a", plan: voiceAgent }],
    });
    expect(periodLines(input)).toEqual(periodLines(structuredClone(input)));
    expect(new Set(periodLines(input).map((l) => l.id)).size).toBe(periodLines(input).length);
  });

  test("a line of a meter drawn in part says how much was drawn from credits instead, and the projection nets it at the same pace", () => {
    const input = base({
      segments: [{ start, end, plan: starter, usage: { api_calls: "1100" }, drawn: { api_calls: "700" } }],
    });
    const [l] = periodLines(input);
    expect(l!.description).toContain("400");
    expect(l!.description).toContain("700 more drawn from credits");
    // Halfway through the period: usage and drawn both double (2200 − 1400 = 800, 100 included → 700 × 0.01).
    const [p] = periodLines(projectToPeriodEnd(input, mid));
    expect(p).toMatchObject({ amountCents: 700 });
  });

  test("usage of a group value the plan does not price is named on the line, not billed silently as free", () => {
    const perModel = plan("m", [
      { type: "usage", meter: "tokens", model: "group", group_by: "model", prices: { "gpt-4": "0.001" } },
    ]);
    const [l] = periodLines(
      base({
        segments: [
          { start, end, plan: perModel, usage: { tokens: { groups: { "gpt-4": "1000", "llama-9": "500" } } } },
        ],
      }),
    );
    expect(l).toMatchObject({ amountCents: 100 });
    expect(l!.description).toMatch(/not priced: 500 \(.*llama-9.*\)/);
  });

  test("prorated included units are exact decimals: the billable quantity and amount carry no float error", () => {
    const [l] = periodLines(
      base({
        segments: [
          { start, end: third, plan: starter, usage: { api_calls: "300" } },
          { start: third, end, plan: pro, usage: {} },
        ],
      }),
    );
    expect(l).toMatchObject({ quantity: "266.666667", exactAmount: "2.66666667", amountCents: 267 });
  });

  test("a free first tier is prorated like included units on a split period; the paid tiers keep their widths", () => {
    const tiered = plan("tiered", [
      {
        type: "usage",
        meter: "api_calls",
        model: "graduated",
        tiers: [
          { up_to: 1000, unit_price: "0" },
          { up_to: 3000, unit_price: "0.01" },
          { up_to: null, unit_price: "0.001" },
        ],
      },
    ]);
    const segments = (q: string): PlanSegment[] => [
      { start, end: third, plan: tiered, usage: { api_calls: q } },
      { start: third, end, plan: pro, usage: {} },
    ];
    // A third of the period: 1,000 × 1/3 = 333.333333 free, then 2,000 at 0.01, then 0.001.
    // 1,000 calls: 666.666667 × 0.01 = 6.66666667 → 667 cents (unprorated, the whole 1,000 would be free).
    expect(periodLines(base({ segments: segments("1000") }))[0]).toMatchObject({
      quantity: "666.666667",
      amountCents: 667,
    });
    // 3,000 calls: 2,000 × 0.01 + 666.666667 × 0.001 = 20.666666667 → 2067 cents.
    expect(periodLines(base({ segments: segments("3000") }))[0]).toMatchObject({ amountCents: 2067 });
    // The whole period under the plan: the free tier stays whole (1,000 free, 2,000 × 0.01).
    expect(
      periodLines(base({ segments: [{ start, end, plan: tiered, usage: { api_calls: "3000" } }] }))[0],
    ).toMatchObject({ amountCents: 2000 });
    // A volume charge's first tier is not an allowance: left as it is.
    const volume = plan("volume", [
      {
        type: "usage",
        meter: "api_calls",
        model: "volume",
        tiers: [
          { up_to: 1000, unit_price: "0" },
          { up_to: null, unit_price: "0.01" },
        ],
      },
    ]);
    expect(
      periodLines(
        base({
          segments: [
            { start, end: third, plan: volume, usage: { api_calls: "900" } },
            { start: third, end, plan: pro, usage: {} },
          ],
        }),
      )[0],
    ).toMatchObject({ quantity: "900", amountCents: 0 });
  });

  test("half a cent on a line rounds up once: 0.005 → 1 cent", () => {
    const lines = periodLines(
      base({ segments: [{ start, end, plan: plan("p", [perUnit("m", "0.005")]), usage: { m: "1" } }] }),
    );
    expect(lines[0]).toMatchObject({ exactAmount: "0.005", amountCents: 1, unitAmount: "0.005" });
  });
});

describe("projectToPeriodEnd", () => {
  test("a third of the way through, the running meter is tripled and then rated, so included units apply once", () => {
    const now = new Date(start.getTime() + (end.getTime() - start.getTime()) / 3);
    const projected = projectToPeriodEnd(
      base({ segments: [{ start, end, plan: starter, usage: { api_calls: "400" } }] }),
      now,
    );
    // 1,200 projected, 100 included: 1,100 × 0.01 = 11.00 (tripling the 3.00 so far would say 9.00).
    expect(totalCents(periodLines(projected))).toBe(1100);
  });

  test("graduated tiers apply to the projected quantity", () => {
    const tiered = plan("t", [
      {
        type: "usage",
        meter: "m",
        model: "graduated",
        tiers: [
          { up_to: 100, unit_price: "0" },
          { up_to: null, unit_price: "1" },
        ],
      },
    ]);
    const half = new Date((start.getTime() + end.getTime()) / 2);
    const projected = projectToPeriodEnd(base({ segments: [{ start, end, plan: tiered, usage: { m: "80" } }] }), half);
    expect(totalCents(periodLines(base({ segments: [{ start, end, plan: tiered, usage: { m: "80" } }] })))).toBe(0);
    expect(totalCents(periodLines(projected))).toBe(6000);
  });

  test("minutes into the period the pace is taken over a day, not extrapolated from seconds", () => {
    const projected = projectToPeriodEnd(
      base({ segments: [{ start, end, plan: pro, usage: { api_calls: "100" } }] }),
      new Date(start.getTime() + 60_000),
    );
    // 30 days at 100 a day: 3,000 × 0.005 = 15.00.
    expect(totalCents(periodLines(projected))).toBe(1500);
  });

  test("the fixed charges of agent plans are not scaled; at the period end nothing changes", () => {
    const input = base({ segments: [], agentPlans: [{ agentId: "agt_1", agentName: "a", plan: voiceAgent }] });
    expect(totalCents(periodLines(projectToPeriodEnd(input, mid)))).toBe(1000);
    expect(projectToPeriodEnd(base(), end)).toEqual(base());
  });
});
