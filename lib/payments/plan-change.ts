/** What a plan change does, shown to the customer before confirming. Shared by server and forms. */
export type PlanChangePreview = {
  direction: "upgrade" | "downgrade";
  effective: "now" | "period_end";
  current_plan: { id: string; name: string; interval: string; amount_cents: number };
  new_plan: { id: string; name: string; interval: string; amount_cents: number };
  /** Charged now for an upgrade (the prorated difference); 0 for a downgrade. */
  amount_due_now_cents: number;
  currency: string;
  effective_at: string;
};
