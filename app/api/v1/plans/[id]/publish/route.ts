import { publishPlanToStripe } from "@/lib/catalog/publish-plan";
import { ZPlanPublishJson } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const POST = route(
  {
    path: "/api/v1/plans/{id}/publish",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZPlanPublishJson,
      tag: "Plans",
      summary: "Publish a plan to Stripe (product and price, kept in step)",
      description:
        "Creates or updates the plan's Stripe product (name, description) and a flat recurring price for its base price (a free plan gets a 0-amount price). Usage charges are not Stripe prices: Tally rates them and bills them as invoice items. Stripe prices are immutable, so a version with new terms gets a new price on the same product and the old price is archived; it still bills its subscribers. The price is for sale only while the plan is on sale. Idempotent: publishing a plan in step writes nothing (`publish_outcome: unchanged`).",
      responses: {
        "200": "The plan as linked now (`stripe_status: in_step`)",
        "404": "Not found",
        "409": "Stripe is not the payment rail, or not the newest version",
        "503": "Stripe unreachable: nothing was linked; publish again",
      },
    },
  },
  async ({ params }) => {
    const r = await publishPlanToStripe(params.id);
    return { ...planJson(r.plan), publish_outcome: r.outcome, archived_price_id: r.archivedPriceId };
  },
);
