import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatAmount, formatQuantity } from "@/lib/format";
import { D } from "@/lib/money";

export type ModelCostsData = {
  meters: { code: string; name: string; unit: string }[];
  rows: { model: string; quantities: Record<string, string>; billed: string | null; providerCost: string | null }[];
  currency: string;
};

/**
 * LLM tokens per model this billing period and what they cost: what the plan bills (its price per model);
 * for the admin also what the provider charges and the margin.
 */
export function ModelCosts({ data, showProviderCost = false }: { data: ModelCostsData; showProviderCost?: boolean }) {
  if (data.meters.length === 0) return null;
  const totalBilled = data.rows.reduce((a, r) => a.plus(r.billed ?? "0"), new D(0)).toFixed();
  return (
    <Card>
      <CardHeader
        title="LLM usage by model"
        description={`This billing period: tokens per model and their cost (${formatAmount(totalBilled, data.currency)} in all).`}
      />
      {data.rows.length === 0 ? (
        <EmptyState title="No LLM usage this billing period">
          Send llm_call events with a model and token counts to see costs per model.
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Model</Th>
              {data.meters.map((m) => (
                <Th key={m.code} align="right">
                  {m.name}
                </Th>
              ))}
              <Th align="right">Cost</Th>
              {showProviderCost && <Th align="right">Provider cost</Th>}
              {showProviderCost && <Th align="right">Margin</Th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="model-costs">
            {data.rows.map((r) => (
              <tr key={r.model}>
                <Td className="font-mono text-xs">{r.model}</Td>
                {data.meters.map((m) => (
                  <Td key={m.code} align="right">
                    {r.quantities[m.code] ? formatQuantity(r.quantities[m.code]!) : "—"}
                  </Td>
                ))}
                <Td align="right">
                  {r.billed === null ? (
                    <span className="text-amber-700">not priced by the plan</span>
                  ) : (
                    formatAmount(r.billed, data.currency)
                  )}
                </Td>
                {showProviderCost && (
                  <Td align="right">{r.providerCost === null ? "—" : formatAmount(r.providerCost, data.currency)}</Td>
                )}
                {showProviderCost && (
                  <Td align="right">
                    {r.billed !== null && r.providerCost !== null
                      ? formatAmount(new D(r.billed).minus(r.providerCost).toFixed(), data.currency)
                      : "—"}
                  </Td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
