import { assertCanManageBilling } from "@/lib/auth/actor";
import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { portalUrl } from "@/lib/payments/portal";

export const POST = route({ auth: "customer" }, async ({ actor, req }) => {
  assertCanManageBilling(actor);
  return { url: await portalUrl(actor.orgId, originOf(req)) };
});
