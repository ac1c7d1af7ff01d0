import { getCall } from "@/lib/agents/calls";
import { callScope } from "@/lib/agents/scope";
import { callJson } from "@/lib/agents/serialize";
import { route } from "@/lib/http/route";
import { z } from "zod";

export const GET = route({ auth: "any", params: z.object({ call_id: z.string() }) }, async ({ actor, params }) =>
  callJson(await getCall(await callScope(actor, params.call_id), params.call_id)),
);
