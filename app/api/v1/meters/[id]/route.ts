import { getMeter, updateMeter } from "@/lib/catalog/meters";
import { ZMeterPatch } from "@/lib/catalog/schemas";
import { meterJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const GET = route({ auth: "any", params: ZIdParams }, async ({ params }) => meterJson(await getMeter(params.id)));

export const PATCH = route({ auth: "operator", params: ZIdParams, body: ZMeterPatch }, async ({ params, body }) => meterJson(await updateMeter(params.id, body)));
