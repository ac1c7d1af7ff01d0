import { updateCreditEvent } from "@/lib/catalog/credit-events";
import { ZCreditEventPatch } from "@/lib/catalog/schemas";
import { creditEventJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

/** `{id}` is the credit event's id or code. */
export const PATCH = route({ auth: "operator", params: ZIdParams, body: ZCreditEventPatch }, async ({ params, body }) => creditEventJson(await updateCreditEvent(params.id, body)));
