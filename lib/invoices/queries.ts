import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { invoiceLines, invoices, organizations, type Invoice } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";

export async function listInvoices(orgId: string, limit = 10): Promise<Invoice[]> {
  return db
    .select()
    .from(invoices)
    .where(eq(invoices.orgId, orgId))
    .orderBy(desc(invoices.issuedAt), desc(invoices.number))
    .limit(limit);
}

/** An invoice with its lines and customer, scoped to the organization (null orgId: operators). */
export async function getInvoice(orgId: string | null, invoiceId: string) {
  const [row] = await db
    .select({ invoice: invoices, customer: organizations })
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.orgId))
    .where(and(eq(invoices.id, invoiceId), orgId ? eq(invoices.orgId, orgId) : undefined));
  if (!row) throw notFound("Invoice");
  const lines = await db
    .select()
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, invoiceId))
    .orderBy(asc(invoiceLines.position));
  return { ...row, lines };
}

export async function openInvoices(orgId: string, tx: Executor = db): Promise<Invoice[]> {
  return tx
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.status, "open"), eq(invoices.provider, "local")))
    .orderBy(asc(invoices.issuedAt));
}
