import { route } from "@/lib/http/route";
import { taxReport, taxReportCsv } from "@/lib/tax/report";
import { ZTaxReport, ZTaxReportQuery } from "@/lib/tax/schemas";

export const GET = route(
  {
    path: "/api/v1/reports/tax",
    auth: "operator",
    query: ZTaxReportQuery,
    doc: {
      response: ZTaxReport,
      tag: "Taxes",
      summary: "Tax charged per jurisdiction and rate over a period (JSON, or CSV with format=csv)",
      description:
        "Invoices Tally issued between `from` and `to` (UTC days, both included), neither void nor test: per country, region and rate the net, tax and gross in minor units, the invoice count, and the net that was reverse-charged (EU B2B: the buyer accounts for the VAT).",
      responses: { "200": "OK (application/json or text/csv)", "400": "Invalid field" },
    },
  },
  async ({ query }) => {
    const rows = await taxReport(query);
    if (query.format === "json") return { from: query.from, to: query.to, data: rows };
    return new Response(taxReportCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="tax-${query.from}-${query.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  },
);
