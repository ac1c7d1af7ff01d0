import { cn } from "./cn";
import { ScrollArea } from "./scroll-area";

export function Table({
  children,
  className,
  label,
}: {
  children: React.ReactNode;
  className?: string;
  label?: string;
}) {
  return (
    <ScrollArea className="overflow-x-auto" label={label}>
      <table aria-label={label} className={cn("min-w-full divide-y divide-zinc-200 text-sm", className)}>
        {children}
      </table>
    </ScrollArea>
  );
}

export function Th({
  children,
  className,
  align = "left",
  sort,
}: {
  children?: React.ReactNode;
  className?: string;
  align?: "left" | "right";
  /** For a sortable column: how the list is sorted by it ("none" when another column sorts it). */
  sort?: "ascending" | "descending" | "none";
}) {
  return (
    <th
      scope="col"
      aria-sort={sort}
      className={cn(
        "px-5 py-2.5 text-xs font-medium uppercase tracking-wide text-zinc-500",
        align === "right" ? "text-right" : "text-left",
        className,
      )}
    >
      {children}
    </th>
  );
}

export function Td({
  children,
  className,
  align = "left",
  wrap = false,
}: {
  children?: React.ReactNode;
  className?: string;
  align?: "left" | "right";
  wrap?: boolean;
}) {
  return (
    <td
      className={cn(
        wrap ? "whitespace-normal" : "whitespace-nowrap",
        "px-5 py-3 text-zinc-700",
        align === "right" && "text-right tabular",
        className,
      )}
    >
      {children}
    </td>
  );
}
