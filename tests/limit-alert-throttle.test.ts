import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { alerts } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { invalidateLimitedMeters } from "@/lib/metering/limit-alerts";
import { makeOrg } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

describe("usage limit checks, throttled per customer", () => {
  it("still raises the alert when the crossing event arrives inside the interval: it is checked when the interval ends", async () => {
    // Long enough that the second batch lands inside the interval on a loaded machine (at 300 ms it did not).
    process.env.ALERT_CHECK_INTERVAL_MS = "3000";
    resetEnvCache();
    try {
      const org = await makeOrg();
      const meter = await makeMeter({ aggregation: "count" });
      const plan = await makePlan({ limits: [{ meter: meter.code, limit: 10, enforcement: "hard" }] });
      await subscribeTo(org.id, plan.id, new Date(Date.now() - 86_400_000));
      invalidateLimitedMeters();
      const send = (n: number, tag: string) =>
        ingestEvents(
          org.id,
          Array.from({ length: n }, (_, i) => ({ eventId: `${tag}-${i}`, eventName: meter.eventName })),
        );
      await send(5, "a"); // 50 %: checked now, nothing to raise
      await send(4, "b"); // 90 %: inside the interval, checked when it ends
      expect(await db.select().from(alerts).where(eq(alerts.orgId, org.id))).toHaveLength(0);
      await expect
        .poll(async () => (await db.select().from(alerts).where(eq(alerts.orgId, org.id))).map((a) => a.threshold), {
          timeout: 6000,
        })
        .toEqual(["80"]);
    } finally {
      process.env.ALERT_CHECK_INTERVAL_MS = "0";
      resetEnvCache();
    }
  });
});
