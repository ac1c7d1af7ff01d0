import { archiveLink } from "@/lib/credits/drawdown-links";
import { ZCreditMeterLinkJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const DELETE = route(
  {
    path: "/api/v1/credit-meter-links/{id}",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZCreditMeterLinkJson,
      tag: "Catalog",
      summary: "Stop pricing a meter in credits (archives the link; usage already drawn stays drawn)",
      description:
        "Events ingested up to the archive are drawn from credits (within a second or so); events ingested after it — including the rest of the current billing period — are billed in arrears at the period's close as usage at the plan's price. No event is both drawn and billed.",
      responses: { "200": "OK", "404": "No active link with this id" },
    },
  },
  async ({ params }) => archiveLink(params.id),
);
