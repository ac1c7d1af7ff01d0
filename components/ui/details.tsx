import { cn } from "./cn";

/** A card's facts, one under the other: label above value (an organization's ids, email, balance…). */
export function Details({ children }: { children: React.ReactNode }) {
  return <dl className="space-y-3 text-sm">{children}</dl>;
}

const KIND = {
  text: "text-zinc-900",
  /** An id or key: monospace, small. */
  id: "font-mono text-xs text-zinc-900",
  /** A figure: digits aligned. */
  figure: "tabular text-zinc-900",
};

export function Detail({
  label,
  children,
  kind = "text",
  testId,
}: {
  label: string;
  children: React.ReactNode;
  kind?: keyof typeof KIND;
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-zinc-500">{label}</dt>
      <dd className={cn("break-words", KIND[kind], kind === "id" && "break-all")} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
