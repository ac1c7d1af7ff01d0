import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";

export type HistoryItem = {
  id: string;
  action: string;
  previousPlan: string | null;
  newPlan: string | null;
  changedBy: string;
  comments: string | null;
  active: boolean;
  createdAt: Date;
};

const TONE = { assigned: "green", changed: "blue", removed: "red" } as const;

/** Plan changes, newest first. */
export function PricingHistory({ items, total }: { items: HistoryItem[]; total: number }) {
  if (items.length === 0)
    return <EmptyState title="No plan changes yet">The history starts when a plan is first assigned.</EmptyState>;
  return (
    <ol className="divide-y divide-zinc-100">
      {items.map((h) => (
        <li key={h.id} className="flex gap-4 px-5 py-3 text-sm">
          <div className="w-24 shrink-0">
            <Badge tone={TONE[h.action as keyof typeof TONE] ?? "gray"}>{h.action}</Badge>
            {h.active && <div className="mt-1 text-xs text-emerald-700">current</div>}
          </div>
          <div className="flex-1">
            <p className="text-zinc-900">
              {h.action === "assigned" && <>Assigned {h.newPlan}</>}
              {h.action === "changed" && (
                <>
                  {h.previousPlan} → {h.newPlan}
                </>
              )}
              {h.action === "removed" && <>Removed {h.previousPlan}</>}
            </p>
            {h.comments && <p className="text-zinc-600">“{h.comments}”</p>}
            <p className="text-xs text-zinc-500">
              <LocalTime value={h.createdAt} /> · by {h.changedBy}
            </p>
          </div>
        </li>
      ))}
      {total > items.length && (
        <li className="px-5 py-2 text-xs text-zinc-500">
          Showing the newest {items.length} of {total} changes.
        </li>
      )}
    </ol>
  );
}
