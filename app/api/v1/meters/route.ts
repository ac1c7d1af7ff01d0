import { createMeter, listMeters } from "@/lib/catalog/meters";
import { ZMeterCreate } from "@/lib/catalog/schemas";
import { meterJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";

export const GET = route({ auth: "any" }, async () => ({ data: (await listMeters()).map(meterJson), next_cursor: null }));

export const POST = route({ auth: "operator", body: ZMeterCreate }, async ({ body }) => created(meterJson(await createMeter(body))));
