import { updateCreditProduct } from "@/lib/catalog/credit-events";
import { ZCreditProductPatch } from "@/lib/catalog/schemas";
import { creditProductJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const PATCH = route({ auth: "operator", params: ZIdParams, body: ZCreditProductPatch }, async ({ params, body }) => creditProductJson(await updateCreditProduct(params.id, body)));
