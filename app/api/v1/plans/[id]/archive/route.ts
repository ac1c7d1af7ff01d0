import { archivePlan } from "@/lib/catalog/plans";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const POST = route({ auth: "operator", params: ZIdParams }, async ({ params }) => planJson(await archivePlan(params.id)));
