import { ZPlanArchiveJson } from "@/lib/catalog/schemas";
import { republishAfterChange, stripePublishJson } from "@/lib/catalog/publish-plan";
import { archivePlan } from "@/lib/catalog/plans";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const POST = route(
  {
    path: "/api/v1/plans/{id}/archive",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZPlanArchiveJson,
      tag: "Plans",
      summary: "Take a plan off sale (subscribers keep it)",
      description:
        "Only the newest version of a plan can be archived. A draft was never on sale, so it cannot be archived (409): put it on sale, or leave it a draft. A plan published to Stripe has its price archived there at once (`stripe_publish`); when Stripe cannot be reached the plan is off sale all the same and `stripe_status` says out_of_step until it is published again.",
      responses: { "200": "OK", "404": "Not found", "409": "A draft, or not the newest version" },
    },
  },
  async ({ params }) => {
    const { plan, stripe } = await republishAfterChange(await archivePlan(params.id));
    return { ...planJson(plan), stripe_publish: stripePublishJson(stripe) };
  },
);
