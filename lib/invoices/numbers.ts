// The seller's numbering series (invoices, credit notes): numbers drawn from one sequence per kind and
// claimed in `document_numbers` in the same statement, so a number is never given to two documents,
// whichever customers they belong to. The documents' own unique keys include org_id (the tables are
// distributed by it under Citus, docs/scaling.md); the claim is what keeps the series global.
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { selectRows, text } from "@/lib/db/rows";

const SEQUENCE = { invoice: "invoice_number_seq", credit_note: "credit_note_number_seq" } as const;
export type NumberKind = keyof typeof SEQUENCE;

/** One number per organization given, in that order (`<prefix><6+ digits>`), claimed for it. */
export async function claimNumbers(
  tx: Executor,
  kind: NumberKind,
  prefix: string,
  orgIds: string[],
): Promise<string[]> {
  if (orgIds.length === 0) return [];
  const drawn = await selectRows(
    { number: text },
    sql`with drawn as materialized (
          select u.n, u.org_id, ${prefix}::text || lpad(nextval(${SEQUENCE[kind]}::text::regclass)::text, 6, '0') as number
          from json_array_elements_text(${JSON.stringify(orgIds)}::text::json) with ordinality as u(org_id, n) order by u.n),
        claimed as (insert into document_numbers (kind, number, org_id) select ${kind}, number, org_id from drawn)
        select number from drawn order by n`,
    tx,
  );
  return drawn.map((d) => d.number);
}
