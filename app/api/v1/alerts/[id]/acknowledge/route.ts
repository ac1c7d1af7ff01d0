import { actorLabel, isCustomer } from "@/lib/auth/actor";
import { acknowledgeAlert, alertJson, findAlert } from "@/lib/alerts/alerts";
import { ZAlertJson, ZAlertParams } from "@/lib/alerts/schemas";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

/** Marks an alert seen; acknowledging twice keeps the first acknowledgement. */
export const POST = route(
  {
    path: "/api/v1/alerts/{id}/acknowledge",
    auth: "any",
    params: ZAlertParams,
    doc: {
      tag: "Alerts",
      response: ZAlertJson,
      summary: "Acknowledge an alert (idempotent)",
      responses: { "200": "OK", "404": "No such alert (or another customer's)" },
    },
  },
  async ({ actor, params }) => {
    const alert = await findAlert(params.id);
    if (!alert || (isCustomer(actor) && alert.orgId !== actor.orgId)) throw notFound("Alert");
    return alertJson(await acknowledgeAlert(alert.orgId, alert.id, actorLabel(actor)));
  },
);
