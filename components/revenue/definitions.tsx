import { Card, CardBody, CardHeader } from "@/components/ui/card";

/** The rules of docs/metrics.md in brief, beside the figures they govern. */
export function Definitions() {
  const rules: [string, string][] = [
    [
      "MRR",
      "Each active or past-due subscription's base price per month after its discount; a yearly plan counts one twelfth of its price. Trials, incomplete, canceled and expired subscriptions count zero. Usage charges and credit packs are not MRR.",
    ],
    ["Past due", "Stays in MRR until the subscription is canceled; the cancellation is the churn."],
    ["ARR", "12 × MRR. ARPU: MRR ÷ paying customers (MRR above zero)."],
    [
      "Movements",
      "Every change of a customer's MRR: from zero is new (first time) or reactivation (paid before); to zero is churn; up is expansion; down is contraction. Ending = starting + new + reactivation + expansion − contraction − churned.",
    ],
    ["Logo churn", "Customers paying at the month's start who churned in it ÷ customers paying at its start."],
    ["Revenue churn", "Churned and contraction MRR of those customers ÷ MRR at the month's start."],
    [
      "Net revenue retention",
      "Those customers' MRR at the month's end ÷ their MRR at its start (new customers excluded).",
    ],
    ["Rounding", "MRR is summed exactly (in twelfths of a cent) and each reported figure is rounded once, half-up."],
  ];
  return (
    <Card id="definitions" className="mt-6">
      <CardHeader title="Definitions" description="The full text is docs/metrics.md in the repository." />
      <CardBody>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-3 text-sm md:grid-cols-2">
          {rules.map(([term, text]) => (
            <div key={term}>
              <dt className="font-medium text-zinc-900">{term}</dt>
              <dd className="text-zinc-600">{text}</dd>
            </div>
          ))}
        </dl>
      </CardBody>
    </Card>
  );
}
