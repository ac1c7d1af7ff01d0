// What the customer pages say about a customer: "customer since" and who did something.
import { describe, expect, it } from "vitest";
import { describeActors } from "@/lib/auth/describe-actors";
import { customerSince } from "@/lib/orgs/customer-since";
import { customerRowJson, listCustomers } from "@/lib/revenue/lists";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { makeOrg, makePlan, makeUser, platformKey } from "./support/fixtures";
import { db } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";

const DAY = 86_400_000;

describe("customer since", () => {
  it("is the first subscription's start when it began before the customer's row was written", async () => {
    const org = await makeOrg();
    const plan = await makePlan();
    const began = new Date(Date.now() - 75 * DAY);
    await subscribe(org.id, { plan: { id: plan.id }, actor: "seed", now: began, skipTrial: true, provider: "manual" });
    expect((await customerSince(org)).toISOString()).toBe(began.toISOString());
  });

  it("is the row's creation when the customer has no subscription, or subscribed later", async () => {
    const org = await makeOrg();
    expect((await customerSince(org)).toISOString()).toBe(org.createdAt.toISOString());
    const plan = await makePlan();
    await subscribe(org.id, { plan: { id: plan.id }, actor: "seed", skipTrial: true, provider: "manual" });
    expect((await customerSince(org)).toISOString()).toBe(org.createdAt.toISOString());
  });

  it("is the same date on the admin's customer list, which sorts by it", async () => {
    const tag = `Since ${Math.random().toString(36).slice(2, 8)}`;
    const older = await makeOrg(`${tag} Older`);
    const newer = await makeOrg(`${tag} Newer`);
    const plan = await makePlan();
    const began = new Date(Date.now() - 400 * DAY);
    await subscribe(older.id, {
      plan: { id: plan.id },
      actor: "seed",
      now: began,
      skipTrial: true,
      provider: "manual",
    });
    const page = await listCustomers({ search: tag, sort: "customer_since", order: "asc", limit: 10 });
    expect(page.rows.map((r) => r.name)).toEqual([`${tag} Older`, `${tag} Newer`]);
    expect(page.rows[0]!.customerSince.toISOString()).toBe((await customerSince(older)).toISOString());
    expect(page.rows[0]!.customerSince.toISOString()).toBe(began.toISOString());
    expect(page.rows[1]!.customerSince.toISOString()).toBe(newer.createdAt.toISOString());
    expect(customerRowJson(page.rows[0]!).customer_since).toBe(began.toISOString());
  });
});

describe("describeActors", () => {
  it("names people by name and email and keys by name, never as raw ids", async () => {
    const admin = await makeUser("admin", null);
    await platformKey();
    const [key] = await db.select().from(apiKeys).limit(1);
    const who = await describeActors([
      `user:${admin.id}`,
      `key:${key!.id}`,
      "seed",
      "job:rollover",
      "user:usr_gone",
      null,
    ]);
    expect(who.get(`user:${admin.id}`)).toBe(`${admin.name} (${admin.email})`);
    expect(who.get(`key:${key!.id}`)).toMatch(/^API key “.+” \(.+…\)$/);
    expect(who.get("seed")).toBe("demo data");
    expect(who.get("job:rollover")).toBe("the rollover job");
    expect(who.get("user:usr_gone")).toBe("a deleted user");
  });
});
