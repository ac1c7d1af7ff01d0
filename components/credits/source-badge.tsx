import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<string, BadgeTone> = { purchased: "brand", subscription: "blue", promotional: "amber" };

/** A credit source as a person names it (the API's key stays in filters' values and in the API). */
export const SOURCE_LABEL: Record<string, string> = {
  purchased: "Purchased",
  subscription: "Plan",
  promotional: "Promotional",
};
export const sourceLabel = (source: string) => SOURCE_LABEL[source] ?? source.replace(/_/g, " ");

export function SourceBadge({ source }: { source: string | null }) {
  if (!source) return <span className="text-zinc-500">—</span>;
  return <Badge tone={TONE[source] ?? "gray"}>{sourceLabel(source)}</Badge>;
}

const KIND_TONE: Record<string, BadgeTone> = {
  grant: "green",
  consume: "gray",
  commit: "gray",
  reserve: "blue",
  release: "blue",
  expire: "amber",
  refund: "green",
  adjustment: "brand",
  overage: "red",
  overage_repaid: "amber",
};

export function KindBadge({ kind }: { kind: string }) {
  return <Badge tone={KIND_TONE[kind] ?? "gray"}>{kind.replace(/_/g, " ")}</Badge>;
}
