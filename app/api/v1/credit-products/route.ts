import { isOperator } from "@/lib/auth/actor";
import { createCreditProduct, listCreditProducts } from "@/lib/catalog/credit-events";
import { ZCreditProductCreate } from "@/lib/catalog/schemas";
import { creditProductJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { z } from "zod";

const ZList = z.object({ include_inactive: z.enum(["true", "false"]).optional() });

export const GET = route({ auth: "any", query: ZList }, async ({ actor, query }) => ({
  data: (await listCreditProducts({ includeInactive: isOperator(actor) && query.include_inactive === "true" })).map(creditProductJson),
  next_cursor: null,
}));

export const POST = route({ auth: "operator", body: ZCreditProductCreate }, async ({ body }) => created(creditProductJson(await createCreditProduct(body))));
