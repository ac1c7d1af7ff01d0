import { formatMoney } from "@/lib/format";
import type { PlanChangePreviewJson } from "@/lib/payments/schemas";

/** In a plan change's confirmation: the add-ons the new plan does not offer, removed with the change, and their credit. */
export function RemovedAddonsNote({ preview, who = "your" }: { preview: PlanChangePreviewJson; who?: "your" | "the" }) {
  const removed = preview.addons_removed;
  if (removed.length === 0) return null;
  return (
    <div
      className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
      data-testid="addons-removed"
    >
      <p>
        {removed.length === 1 ? "This add-on is" : "These add-ons are"} not offered with {preview.new_plan.name} and{" "}
        {preview.effective === "now" ? "will be removed now" : "will be removed when it starts"}:
      </p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {removed.map((r) => (
          <li key={r.addon}>
            <strong>{r.name}</strong> × {r.quantity} — {r.reason}
            {r.amount_cents < 0 && (
              <>
                ; {formatMoney(-r.amount_cents, preview.currency)} credited on {who} next invoice
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
