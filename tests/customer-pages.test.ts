// What the customer pages say about a customer: "customer since" and who did something.
import { describe, expect, it } from "vitest";
import { describeActors } from "@/lib/auth/describe-actors";
import { customerSince } from "@/lib/orgs/customer-since";
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
