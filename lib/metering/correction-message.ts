// What a usage correction did, in a sentence: the admin form's answer and the corrections table's summary.
import { formatCredits, formatInteger } from "@/lib/format";
import type { CorrectionJson, CorrectionPreview } from "./corrections";

const plural = (n: number, one: string, many = `${one}s`) => `${formatInteger(n)} ${n === 1 ? one : many}`;

export function correctionMessage(c: CorrectionJson): string {
  if (c.status === "failed") return `The correction failed: ${c.error ?? "unknown error"}. It is retried by the job.`;
  if (c.status !== "completed")
    return `Retracting in the background: ${plural(c.events_retracted, "event")} so far. The list below shows its progress.`;
  if (c.events_retracted === 0) return "No event matched: nothing was retracted.";
  const parts = [`Retracted ${plural(c.events_retracted, "event")}.`];
  if (c.credits_refunded > 0) parts.push(`${formatCredits(c.credits_refunded)} given back to their buckets.`);
  if (c.events_in_billed_periods > 0)
    parts.push(
      `${plural(c.events_in_billed_periods, "was", "were")} in a period already billed: the next bill credits them.`,
    );
  return parts.join(" ");
}

/** Which events a correction named: ids, or a range with its filters. */
export function selectorSummary(selector: Record<string, unknown>): string {
  if (selector.kind === "ids") {
    const ids = (selector.event_ids as string[]) ?? [];
    return `${plural(ids.length, "event id")}: ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""}`;
  }
  const when = `${String(selector.from).slice(0, 16).replace("T", " ")} – ${String(selector.to).slice(0, 16).replace("T", " ")} UTC`;
  const name = selector.event_name ? `${selector.event_name}, ` : "";
  const props = Object.entries((selector.properties as Record<string, string[]>) ?? {})
    .map(([k, v]) => `${k} = ${v.join(" | ")}`)
    .join(", ");
  return `${name}${when}${props ? `, ${props}` : ""}`;
}

/** The form's preview: what "Retract events" would do now. */
export function previewMessage(p: CorrectionPreview): string {
  if (p.events === 0) return "No event matches yet: nothing would be retracted.";
  const parts = [`${plural(p.events, "event")} ${p.events === 1 ? "matches" : "match"} now.`];
  if (p.drawn > 0) parts.push(`${plural(p.drawn, "was", "were")} drawn from credits: the credits go back.`);
  if (p.inBilledPeriods > 0)
    parts.push(`${plural(p.inBilledPeriods, "is", "are")} in a period already billed: the next bill credits them.`);
  return parts.join(" ");
}
