// The admin's usage-correction form (app/admin/customers/[id]/usage): retracts a customer's events by
// range and event name, or by ids, with a reason, through the same step as the API; says what it did;
// refuses a form without a reason or with a backward range beside the field, retracting nothing; a
// double submit (same form key) corrects once; only the admin may.
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { int, selectRows } from "@/lib/db/rows";
import { usageCorrections } from "@/lib/db/schema";
import { listCorrections } from "@/lib/metering/corrections";
import { correctionMessage, previewMessage, selectorSummary } from "@/lib/metering/correction-message";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { makeOrg, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";
import { form, people, signInAs, type Who } from "./support/session-mock";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));

const { previewCustomerUsageCorrection, retractCustomerUsage } =
  await import("@/app/admin/customers/[id]/usage/actions");

const T0 = Date.UTC(2026, 2, 3, 10);
let orgA: string, orgB: string, eventName: string;
let ownerA: Who, adminUser: Who;

const stored = async (orgId: string) =>
  (await selectRows({ n: int }, sql`select count(*) as n from usage_events where org_id = ${orgId}`))[0]!.n;

beforeAll(async () => {
  [orgA, orgB] = [(await makeOrg()).id, (await makeOrg()).id];
  ({ ownerA, adminUser } = await people(orgA, orgB));
  eventName = `call_${uid()}`;
  await makeMeter({ eventName });
  await makeMeter({ eventName: `${eventName}_x` });
  // Ten events an hour apart for each customer, and two of another name for A.
  for (const org of [orgA, orgB])
    await ingestEvents(
      org,
      Array.from({ length: 10 }, (_, i) => ({ eventId: `e-${i}`, eventName, timestamp: new Date(T0 + i * 3_600_000) })),
    );
  await ingestEvents(orgA, [
    { eventId: "other-1", eventName: `${eventName}_x`, timestamp: new Date(T0 + 3_600_000) },
    { eventId: "other-2", eventName: `${eventName}_x`, timestamp: new Date(T0 + 2 * 3_600_000) },
  ]);
});

describe("the admin's usage-correction form", () => {
  it("retracts the events of a name in a UTC range with the reason, says how many, and lists the correction", async () => {
    signInAs(adminUser);
    const key = `k-${uid()}`;
    const fields = {
      org_id: orgA,
      idempotency_key: key,
      from: "2026-03-03T11:00",
      to: "2026-03-03T14:00",
      event_name: eventName,
      reason: "double-counted after a retry",
    };
    const r = await retractCustomerUsage(null, form(fields));
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, message: "Retracted 3 events." });
    expect(await stored(orgA)).toBe(12 - 3);
    expect(await stored(orgB)).toBe(10); // another customer's events are not touched
    const [c] = (await listCorrections(orgA, { limit: 5 })).data;
    expect(c).toMatchObject({
      reason: "double-counted after a retry",
      requested_by: `user:${adminUser.id}`,
      status: "completed",
      events_retracted: 3,
    });
    expect(selectorSummary(c!.selector)).toBe(`${eventName}, 2026-03-03 11:00 – 2026-03-03 14:00 UTC`);
    // The same form sent again (a double click): one correction.
    expect(await retractCustomerUsage(null, form(fields))).toMatchObject({ ok: true });
    expect(
      await db
        .select()
        .from(usageCorrections)
        .where(and(eq(usageCorrections.orgId, orgA))),
    ).toHaveLength(1);
  });

  it("previews how many events the form names before anything moves, for the admin only", async () => {
    signInAs(adminUser);
    const before = await stored(orgB);
    const ask = (fields: Record<string, string>) =>
      previewCustomerUsageCorrection(null, form({ org_id: orgB, idempotency_key: "", reason: "", ...fields }));
    // No reason typed yet: the preview still answers (the reason matters to the correction, not the count).
    expect(await ask({ from: "2026-03-03T10:00", to: "2026-03-03T15:00" })).toMatchObject({
      ok: true,
      data: "5 events match now.",
    });
    expect(await ask({ from: "2026-03-03T10:00", to: "2026-03-03T11:00", event_name: eventName })).toMatchObject({
      data: "1 event matches now.",
    });
    expect(await ask({ event_ids: "e-1 e-2, nope" })).toMatchObject({ data: "2 events match now." });
    expect(await ask({ from: "2026-04-01T00:00", to: "2026-04-02T00:00" })).toMatchObject({
      data: "No event matches yet: nothing would be retracted.",
    });
    // A backward range answers the field's error, as the submit would.
    const bad = await ask({ from: "2026-03-03T15:00", to: "2026-03-03T10:00" });
    expect(bad?.ok).toBe(false);
    expect(bad && !bad.ok ? bad.fieldErrors : {}).toHaveProperty("to");
    expect(await stored(orgB)).toBe(before);
    signInAs(ownerA);
    await expect(ask({ from: "2026-03-03T10:00", to: "2026-03-03T15:00" })).rejects.toThrow();
  });

  it("retracts by event ids, commas or spaces between", async () => {
    signInAs(adminUser);
    const r = await retractCustomerUsage(
      null,
      form({ org_id: orgA, idempotency_key: `k-${uid()}`, event_ids: "other-1, other-2", reason: "test events" }),
    );
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, message: "Retracted 2 events." });
    expect(await stored(orgA)).toBe(7);
  });

  it("refuses a form without a reason, with a backward range, or naming nothing, beside the field, and retracts nothing", async () => {
    signInAs(adminUser);
    const before = await stored(orgB);
    const base = { org_id: orgB, idempotency_key: `k-${uid()}` };
    const errorsOf = async (fields: Record<string, string>) => {
      const r = await retractCustomerUsage(null, form({ ...base, ...fields }));
      expect(r?.ok).toBe(false);
      return r && !r.ok ? r.fieldErrors : undefined;
    };
    expect(await errorsOf({ from: "2026-03-03T11:00", to: "2026-03-03T14:00", reason: "" })).toHaveProperty("reason");
    expect(await errorsOf({ from: "2026-03-03T14:00", to: "2026-03-03T11:00", reason: "backwards" })).toHaveProperty(
      "to",
    );
    expect(await errorsOf({ reason: "nothing named" })).toHaveProperty("event_ids");
    expect(await stored(orgB)).toBe(before);
  });

  it("is the admin's only: a customer's owner is refused and nothing is retracted", async () => {
    signInAs(ownerA);
    const before = await stored(orgB);
    await expect(
      retractCustomerUsage(
        null,
        form({ org_id: orgB, idempotency_key: `k-${uid()}`, event_ids: "e-1", reason: "not mine to do" }),
      ),
    ).rejects.toThrow();
    expect(await stored(orgB)).toBe(before);
  });

  it("says what a correction did in words", () => {
    const c = {
      status: "completed",
      events_retracted: 1,
      credits_refunded: 5,
      events_in_billed_periods: 1,
      error: null,
    } as Parameters<typeof correctionMessage>[0];
    expect(correctionMessage(c)).toBe(
      "Retracted 1 event. 5 credits given back to their buckets. 1 was in a period already billed: the next bill credits them.",
    );
    expect(correctionMessage({ ...c, events_retracted: 0 })).toBe("No event matched: nothing was retracted.");
    expect(previewMessage({ events: 4, drawn: 1, inBilledPeriods: 3 })).toBe(
      "4 events match now. 1 was drawn from credits: the credits go back. 3 are in a period already billed: the next bill credits them.",
    );
  });
});
