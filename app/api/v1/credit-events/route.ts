import { createCreditEvent, listCreditEvents } from "@/lib/catalog/credit-events";
import { ZCreditEventCreate } from "@/lib/catalog/schemas";
import { creditEventJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";

export const GET = route({ auth: "any" }, async () => ({ data: (await listCreditEvents()).map(creditEventJson), next_cursor: null }));

export const POST = route({ auth: "operator", body: ZCreditEventCreate }, async ({ body }) => created(creditEventJson(await createCreditEvent(body))));
