import { describe, expect, it } from "vitest";
import type { Contribution } from "./contributions";
import { aggregateBatch, type BatchEvent } from "./rollup-batch";

const at = (iso: string) => new Date(iso);
let next = 0;
const ev = (timestamp: string, rollups: Contribution[], orgId = "org_a", index = next++): BatchEvent => ({
  index,
  orgId,
  timestamp: at(timestamp),
  rollups,
  uniques: [],
});
const sum = (value: string | null, groupKey = "{}"): Contribution => ({ meterId: "m_sum", groupKey, value });
const latest = (value: string | null): Contribution => ({ meterId: "m_last", groupKey: "{}", value, latest: true });

describe("aggregateBatch", () => {
  it("adds integers exactly, past the range of a JS number", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum("999999999999999")]),
      ev("2026-11-30T10:10:00Z", [sum("999999999999999")]),
      ev("2026-11-30T10:20:00Z", [sum("9007199254740993")]),
    ]);
    expect(rollups).toHaveLength(1);
    expect(rollups[0]).toMatchObject({ n: 3, s: "11007199254740991", x: "9007199254740993" });
  });

  it("adds decimals without float error and keeps the largest scale, as Postgres numeric does", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum("0.1")]),
      ev("2026-11-30T10:00:01Z", [sum("0.2")]),
      ev("2026-11-30T10:00:02Z", [sum("1.500")]),
      ev("2026-11-30T10:00:03Z", [sum("-2")]),
    ]);
    expect(rollups[0]).toMatchObject({ n: 4, s: "-0.200", x: "1.500" });
  });

  it("keeps values at the stored limit exact", () => {
    const big = "1000000000000000000000000000000";
    const tiny = "0.000000000000000000000000000001";
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum(big)]),
      ev("2026-11-30T10:00:00Z", [sum(tiny)]),
      ev("2026-11-30T10:00:00Z", [sum(big)]),
    ]);
    expect(rollups[0]!.s).toBe("2000000000000000000000000000000.000000000000000000000000000001");
    expect(rollups[0]!.x).toBe(big);
  });

  it("compares mixed integers and decimals by value for the max, negatives included", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum("-5")]),
      ev("2026-11-30T10:00:00Z", [sum("-4.5")]),
      ev("2026-11-30T10:00:00Z", [sum("-7")]),
    ]);
    expect(rollups[0]).toMatchObject({ s: "-16.5", x: "-4.5" });
  });

  it("counts contributions without a value and gives no sum or max when none has one", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum(null)]),
      ev("2026-11-30T10:30:00Z", [sum(null)]),
    ]);
    expect(rollups[0]).toMatchObject({ n: 2, s: null, x: null, lv: null, lt: null });
  });

  it("splits rows by customer, hour and group, sorted by key", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T11:59:59.999Z", [sum("1", '{"model":"b"}')]),
      ev("2026-11-30T11:00:00Z", [sum("2", '{"model":"a"}')]),
      ev("2026-11-30T10:59:59Z", [sum("3", '{"model":"b"}')]),
      ev("2026-11-30T11:30:00Z", [sum("4", '{"model":"a"}')], "org_0"),
    ]);
    expect(rollups.map((r) => [r.o, new Date(r.b).toISOString(), r.k, r.s])).toEqual([
      ["org_0", "2026-11-30T11:00:00.000Z", '{"model":"a"}', "4"],
      ["org_a", "2026-11-30T10:00:00.000Z", '{"model":"b"}', "3"],
      ["org_a", "2026-11-30T11:00:00.000Z", '{"model":"a"}', "2"],
      ["org_a", "2026-11-30T11:00:00.000Z", '{"model":"b"}', "1"],
    ]);
  });

  it("sorts by code point, as the C collation does, not by UTF-16 unit", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:00:00Z", [sum("1", '{"k":"\u{1F600}"}')]),
      ev("2026-11-30T10:00:00Z", [sum("1", '{"k":"\uFF21"}')]),
    ]);
    expect(rollups.map((r) => r.k)).toEqual(['{"k":"\uFF21"}', '{"k":"\u{1F600}"}']);
  });

  it("takes the latest value by event time, then by position in the batch, whatever the order of arrival", () => {
    const { rollups } = aggregateBatch([
      ev("2026-11-30T10:40:00Z", [latest("7")], "org_a", 3),
      ev("2026-11-30T10:50:00Z", [latest("8")], "org_a", 1),
      ev("2026-11-30T10:50:00Z", [latest("9")], "org_a", 2),
      ev("2026-11-30T10:10:00Z", [latest("100")], "org_a", 0),
    ]);
    expect(rollups[0]).toMatchObject({ lv: "9", lt: at("2026-11-30T10:50:00Z").getTime(), x: "100", n: 4 });
  });

  it("marks the hours of the day in which each distinct value occurred", () => {
    const u = (timestamp: string, value: string): BatchEvent => ({
      index: next++,
      orgId: "org_a",
      timestamp: at(timestamp),
      rollups: [],
      uniques: [{ meterId: "m_u", groupKey: "{}", value }],
    });
    const { uniques, rollups } = aggregateBatch([
      u("2026-11-30T00:05:00Z", "alice"),
      u("2026-11-30T23:59:00Z", "alice"),
      u("2026-11-30T03:00:00Z", "alice"),
      u("2026-12-01T00:00:00Z", "alice"),
      u("2026-11-30T03:00:00Z", "bob"),
    ]);
    expect(rollups).toEqual([]);
    expect(uniques.map((r) => [r.d, r.v, r.h])).toEqual([
      ["2026-11-30", "alice", (1 << 0) | (1 << 3) | (1 << 23)],
      ["2026-11-30", "bob", 1 << 3],
      ["2026-12-01", "alice", 1],
    ]);
  });
});
