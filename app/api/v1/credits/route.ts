import { balanceJson, getCreditBalance } from "@/lib/credits/balance";
import { scopeCustomer } from "@/lib/credits/request";
import { ZBalanceQuery } from "@/lib/credits/schemas";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const GET = route({ auth: "any", query: ZBalanceQuery }, async ({ actor, query }) => {
  const orgId = await scopeCustomer(actor, query);
  const view = await getCreditBalance(orgId, { includeSpent: query.include_spent === "true" });
  if (!view) throw notFound("Customer");
  return balanceJson(view);
});
