import { ZCallJson } from "@/lib/agents/schemas";
import { getCall } from "@/lib/agents/calls";
import { callScope } from "@/lib/agents/scope";
import { callJson } from "@/lib/agents/serialize";
import { route } from "@/lib/http/route";
import { z } from "zod";

export const GET = route(
  {
    path: "/api/v1/calls/{call_id}",
    auth: "any",
    params: z.object({ call_id: z.string() }),
    doc: {
      response: ZCallJson,
      tag: "Agents and calls",
      summary: "A call with its cost",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ actor, params }) => callJson(await getCall(await callScope(actor, params.call_id), params.call_id)),
);
