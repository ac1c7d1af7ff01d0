"use client";
// The tax report download: a period (UTC days, both included) and a button that saves the CSV. A
// reversed period is caught here, beside the field, rather than answered as a failed download.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;

export function TaxReportForm({ today }: { today: string }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      method="get"
      action="/api/v1/reports/tax"
      aria-label="Tax report"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        const f = new FormData(e.currentTarget);
        if (String(f.get("from")) > String(f.get("to"))) {
          e.preventDefault();
          setError("The end must not be before the start.");
        } else setError(null);
      }}
    >
      <input type="hidden" name="format" value="csv" />
      <Field id="tax-report-from" label="From" name="from" type="date" required defaultValue={firstOfMonth(today)} />
      <Field
        id="tax-report-to"
        label="To"
        name="to"
        type="date"
        required
        defaultValue={today}
        error={error ?? undefined}
      />
      <Button type="submit" variant="secondary">
        Download tax report (CSV)
      </Button>
    </form>
  );
}
