import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<string, BadgeTone> = { purchased: "brand", subscription: "blue", promotional: "amber" };

export function SourceBadge({ source }: { source: string | null }) {
  if (!source) return <span className="text-zinc-500">—</span>;
  return <Badge tone={TONE[source] ?? "gray"}>{source}</Badge>;
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
