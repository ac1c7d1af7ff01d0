import Link from "next/link";
import { Th } from "@/components/ui/table";

/** A column header that sorts the list by this column (again: the other way round). */
export function SortHeader({
  label,
  column,
  sort,
  order,
  href,
  align,
}: {
  label: string;
  column: string;
  sort: string;
  order: "asc" | "desc";
  href: (sort: string, order: "asc" | "desc") => string;
  align?: "left" | "right";
}) {
  const active = sort === column;
  const next =
    active && order === "desc" ? "asc" : active ? "desc" : column === "name" || column === "customer" ? "asc" : "desc";
  return (
    <Th align={align} sort={active ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <Link href={href(column, next)} className="inline-flex items-center gap-1 hover:text-zinc-900">
        {label}
        <span aria-hidden className={active ? "text-zinc-700" : "text-zinc-300"}>
          {active && order === "asc" ? "▲" : "▼"}
        </span>
      </Link>
    </Th>
  );
}

/** Previous-page-free cursor navigation: back to the first page, or on to the next. */
export function Pager({ first, next }: { first: string | null; next: string | null }) {
  if (!first && !next) return null;
  return (
    <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
      {first && (
        <Link
          className="inline-flex items-center rounded-md px-2.5 py-1 text-xs font-medium text-zinc-800 ring-1 ring-zinc-300 hover:bg-zinc-50"
          href={first}
        >
          First page
        </Link>
      )}
      {next && (
        <Link
          className="inline-flex items-center rounded-md px-2.5 py-1 text-xs font-medium text-zinc-800 ring-1 ring-zinc-300 hover:bg-zinc-50"
          href={next}
        >
          Next page
        </Link>
      )}
    </div>
  );
}
