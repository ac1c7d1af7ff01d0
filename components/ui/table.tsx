import { cn } from "./cn";
import { ScrollArea } from "./scroll-area";

/**
 * A table in its own sideways-scrolling box. `scroll={false}` leaves the box out, for a caller that puts
 * the table in a ScrollArea of its own (one that scrolls both ways, so a sticky header sticks to it).
 */
export function Table({
  children,
  className,
  label,
  scroll = true,
}: {
  children: React.ReactNode;
  className?: string;
  label?: string;
  scroll?: boolean;
}) {
  const table = (
    <table aria-label={label} className={cn("min-w-full divide-y divide-zinc-200 text-sm", className)}>
      {children}
    </table>
  );
  if (!scroll) return table;
  return (
    <ScrollArea className="overflow-x-auto" label={label}>
      {table}
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
  colSpan,
}: {
  children?: React.ReactNode;
  className?: string;
  align?: "left" | "right";
  wrap?: boolean;
  colSpan?: number;
}) {
  return (
    <td
      colSpan={colSpan}
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
