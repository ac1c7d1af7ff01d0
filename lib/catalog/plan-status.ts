// A plan's life cycle, derived from two columns so that no write path can make them disagree:
// `active` (offered to new subscribers) and `published_at` (first put on sale; null for a draft).
import type { Plan, PlanStatus } from "@/lib/db/schema/catalog";

export type { PlanStatus };
export type PlanLifeCycle = Pick<Plan, "active" | "publishedAt" | "isLatest">;

export function planStatus(p: Pick<Plan, "active" | "publishedAt">): PlanStatus {
  if (p.active) return "on_sale";
  return p.publishedAt ? "off_sale" : "draft";
}

export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  draft: "Draft",
  on_sale: "On sale",
  off_sale: "Off sale",
};
