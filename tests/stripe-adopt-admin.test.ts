// The admin's "Adopt from Stripe" form (app/admin/stripe/adopt): the rows the admin adopts, with
// the target chosen per row; skipped rows stay as they are; only the admin may submit it.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { organizations, subscriptions } from "@/lib/db/schema";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { makeOrg, uid } from "./support/fixtures";
import { form, people, signInAs } from "./support/session-mock";
import { withStripeServer } from "./support/stripe-env";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));
const { adoptFromStripeAction } = await import("@/app/admin/stripe/adopt/actions");

const stripe = withStripeServer();
let price: string;
beforeAll(async () => {
  const product = stripe.createProduct({ name: `Team ${uid()}` });
  price = stripe.createPrice({ product: product.id, unit_amount: 4900, recurring: { interval: "month" } }).id;
  await syncAllPlansFromStripe();
});

const stripeCustomer = (email: string, name = `Co ${uid()}`) => {
  const c = stripe.createCustomer({ email, name });
  stripe.createSubscription({ customer: c.id, price });
  return c;
};

describe("the Adopt from Stripe form", () => {
  it("adopts the rows the admin adopts — the match shown, a chosen customer, a new one — and leaves skipped rows", async () => {
    const matched = await makeOrg();
    const chosen = await makeOrg();
    const p = await people(matched.id, chosen.id);
    const a = stripeCustomer(matched.email!);
    const b = stripeCustomer(`b-${uid()}@else.test`);
    const c = stripeCustomer(`c-${uid()}@else.test`, "Brand New Co");
    const skipped = stripeCustomer(`d-${uid()}@else.test`);
    signInAs(p.adminUser);
    const state = await adoptFromStripeAction(
      null,
      form({
        [`adopt.${a.id}`]: "auto",
        [`adopt.${b.id}`]: chosen.id,
        [`adopt.${c.id}`]: "create",
        [`adopt.${skipped.id}`]: "",
      }),
    );
    expect(state).toMatchObject({ ok: true, message: expect.stringMatching(/^Adopted 3 customers/) });
    const linked = async (id: string) =>
      (await db.select().from(organizations).where(eq(organizations.stripeCustomerId, id)))[0];
    expect((await linked(a.id))!.id).toBe(matched.id);
    expect((await linked(b.id))!.id).toBe(chosen.id);
    expect((await linked(c.id))!.name).toBe("Brand New Co");
    expect(await linked(skipped.id)).toBeUndefined();
    expect(await db.select().from(subscriptions).where(eq(subscriptions.orgId, chosen.id))).toHaveLength(1);
  });

  it("is the admin's only", async () => {
    const org = await makeOrg();
    const p = await people(org.id, (await makeOrg()).id);
    const c = stripeCustomer(org.email!);
    signInAs(p.ownerA);
    await expect(adoptFromStripeAction(null, form({ [`adopt.${c.id}`]: "auto" }))).rejects.toMatchObject({
      digest: expect.stringContaining("403"),
    });
    expect((await db.select().from(organizations).where(eq(organizations.id, org.id)))[0]!.stripeCustomerId).toBeNull();
  });
});
