import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getCreditBalance } from "@/lib/credits/balance";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { rows } from "@/lib/db/client";
import { findOrganization } from "@/lib/orgs/organizations";
import { seedDemo } from "@/lib/seed/demo";

describe("demo credits", () => {
  it("give Acme a purchased pack, a week of spending and a live hold, and Globex its trial and welcome credits", async () => {
    expect(await seedDemo()).toEqual({ seeded: true });
    const acme = (await findOrganization({ externalId: "acme" }))!;
    const globex = (await findOrganization({ externalId: "globex" }))!;
    const a = (await getCreditBalance(acme.id))!;
    expect(a.buckets.map((b) => [b.source, b.origin])).toEqual([
      ["purchased", "purchase"],
      ["subscription", "allocation"],
    ]);
    expect(a.buckets[1]!.amount).toBe(10_000);
    expect(a.held).toBe(250);
    const [spend] = await rows<{ spends: number; events: number }>(
      sql`select count(distinct operation_id)::int as spends, count(distinct credit_event)::int as events from credit_ledger where org_id = ${acme.id} and kind = 'consume' and created_at > now() - interval '8 days'`,
    );
    expect(spend).toEqual({ spends: 24, events: 3 });
    const g = (await getCreditBalance(globex.id))!;
    expect(g.balance).toBe(1_500);
    expect(await checkCreditInvariants({ orgIds: [acme.id, globex.id] })).toEqual([]);
  });
});
