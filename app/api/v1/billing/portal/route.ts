import { assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { portalUrl } from "@/lib/payments/portal";

export const POST = route({ auth: "customer" }, async ({ actor }) => {
  assertCanManageBilling(actor);
  return { url: await portalUrl(actor.orgId) };
});
