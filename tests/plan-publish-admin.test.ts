// The plan page's "Publish to Stripe" and on/off sale buttons (server actions): the admin's only; a
// linked plan's Stripe price follows it off sale; Stripe being down is said in words, not a 500.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getPlan } from "@/lib/catalog/plans";
import { makeOrg, makePlan } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";
import { form, people, signInAs, type Who } from "./support/session-mock";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));

const { publishPlanAction, setPlanStatusAction } = await import("@/app/admin/plans/actions");
const stripe = withStripeServer();

let ownerA: Who, memberA: Who, adminUser: Who;
beforeAll(async () => {
  ({ ownerA, memberA, adminUser } = await people((await makeOrg()).id, (await makeOrg()).id));
});

describe("the plan page's Stripe actions", () => {
  it("publishes for the admin and says what it did; publishing again says it is in step", async () => {
    const plan = await makePlan({ basePriceCents: 1900 });
    signInAs(adminUser);
    const first = await publishPlanAction(null, form({ id: plan.id }));
    expect(first).toMatchObject({ ok: true, message: expect.stringMatching(/^Published: Stripe price price_/) });
    const linked = await getPlan(plan.id);
    expect(stripe.objects.get(linked.stripePriceId!)).toMatchObject({ unit_amount: 1900 });
    const again = await publishPlanAction(null, form({ id: plan.id }));
    expect(again).toMatchObject({ ok: true, message: "Already in step with Stripe: nothing to change." });
  });

  it("refuses a customer's owner and member, publishing nothing", async () => {
    const plan = await makePlan();
    for (const who of [ownerA, memberA]) {
      signInAs(who);
      await expect(publishPlanAction(null, form({ id: plan.id }))).rejects.toThrow();
    }
    expect((await getPlan(plan.id)).stripePriceId).toBeNull();
  });

  it("archives the Stripe price when the plan is taken off sale, and restores it when back on sale", async () => {
    const plan = await makePlan();
    signInAs(adminUser);
    await publishPlanAction(null, form({ id: plan.id }));
    const priceId = (await getPlan(plan.id)).stripePriceId!;
    const off = await setPlanStatusAction(null, form({ id: plan.id, status: "off_sale" }));
    expect(off).toMatchObject({ ok: true, message: "Taken off sale." });
    expect(stripe.objects.get(priceId)!.active).toBe(false);
    await setPlanStatusAction(null, form({ id: plan.id, status: "on_sale" }));
    expect(stripe.objects.get(priceId)!.active).toBe(true);
  });

  it("says Stripe is down in words: publishing links nothing, taking a linked plan off sale still works", async () => {
    const plan = await makePlan();
    const linked = await makePlan();
    signInAs(adminUser);
    await publishPlanAction(null, form({ id: linked.id }));
    stripe.failAll(500);
    try {
      const res = await publishPlanAction(null, form({ id: plan.id }));
      expect(res).toMatchObject({ ok: false, error: expect.stringMatching(/Stripe could not be reached/) });
      const off = await setPlanStatusAction(null, form({ id: linked.id, status: "off_sale" }));
      expect(off).toMatchObject({
        ok: true,
        message: "Taken off sale. Stripe could not be updated: publish the plan again to bring it in step.",
      });
    } finally {
      stripe.failAll(null);
    }
    expect((await getPlan(plan.id)).stripePriceId).toBeNull();
    expect((await getPlan(linked.id)).active).toBe(false);
  });
});
