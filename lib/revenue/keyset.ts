// Keyset pagination for the admin lists, sortable by one column: the cursor carries the sort
// value and the id of the last row, so a page is an index range, never an OFFSET, and rows
// inserted meanwhile never shift a page.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { invalidField } from "@/lib/http/errors";

export type SortOrder = "asc" | "desc";
/** A sortable column: its SQL expression and the SQL type its cursor value is cast back to. */
export type SortKey = { expr: SQL; type: "text" | "numeric" | "timestamptz" | "bigint" };

type Cursor = { v: string | null; id: string };

export function encodeCursor(value: string | number | Date | null, id: string): string {
  const v = value === null ? null : value instanceof Date ? value.toISOString() : String(value);
  return Buffer.from(JSON.stringify({ v, id } satisfies Cursor)).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
    if (typeof c?.id !== "string" || (c.v !== null && typeof c.v !== "string")) throw new Error("shape");
    return c;
  } catch {
    throw invalidField("cursor", "is not a cursor from this list (use next_cursor as given)");
  }
}

/** The WHERE condition of the page after `cursor`, and the ORDER BY, for a sort key and the id column. */
export function keyset(
  key: SortKey,
  idColumn: SQL,
  order: SortOrder,
  cursor?: string,
): { where: SQL | undefined; orderBy: SQL } {
  const dir = order === "asc" ? sql`asc` : sql`desc`;
  const orderBy = sql`${key.expr} ${dir}, ${idColumn} ${dir}`;
  if (!cursor) return { where: undefined, orderBy };
  const c = decodeCursor(cursor);
  const value = sql`cast(${c.v} as ${sql.raw(key.type)})`;
  const where =
    order === "asc"
      ? sql`(${key.expr}, ${idColumn}) > (${value}, ${c.id})`
      : sql`(${key.expr}, ${idColumn}) < (${value}, ${c.id})`;
  return { where, orderBy };
}

/** `%text%` for ILIKE, with the pattern characters escaped. */
export function likePattern(search: string): string {
  return `%${search.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
}
