import { getCreditBalance } from "@/lib/credits/balance";
import { exactBalanceJson } from "@/lib/credits/drawdown-read";
import { ZBalanceQuery, ZCreditBalanceJson } from "@/lib/credits/schemas";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credits",
    auth: "any",
    query: ZBalanceQuery,
    customer: "query",
    fast: true,
    doc: {
      tag: "Credits",
      response: ZCreditBalanceJson,
      summary: "Balance, holds and buckets",
      description:
        "balance = what can be spent now, exact at the instant of the read: the ledger's balance (`ledger_balance` = Σ bucket remaining − held − overage = Σ ledger amounts) less the credits of usage of meters priced in credits that is stored but not yet drawn down (`pending_usage_credits`, usually drawn within a second). `last_transaction_id` names the ledger row whose balance_after equals `ledger_balance`. Buckets with credits come in the order they will be spent, then (with include_spent) spent and expired ones.",
      responses: { "200": "OK", "404": "Customer not found" },
    },
  },
  async ({ query, customerId: orgId }) => {
    const view = await getCreditBalance(orgId, { includeSpent: query.include_spent === "true" });
    if (!view) throw notFound("Customer");
    return exactBalanceJson(orgId, view);
  },
);
