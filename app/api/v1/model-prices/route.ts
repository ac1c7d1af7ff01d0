import { createModelPrice, listModelPrices } from "@/lib/catalog/model-prices";
import { ZModelPriceCreate } from "@/lib/catalog/schemas";
import { modelPriceJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";

export const GET = route({ auth: "any" }, async () => ({ data: (await listModelPrices()).map(modelPriceJson), next_cursor: null }));

export const POST = route({ auth: "operator", body: ZModelPriceCreate }, async ({ body }) => created(modelPriceJson(await createModelPrice(body))));
