// What the admin's revenue pages load: the month range from the URL (checked, with an error per
// field instead of a failed page), the series, today's figures and the month's economics.
import "server-only";
import { readDb } from "@/lib/db/read-replica";
import { AppError, type FieldIssue } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/route";
import { economicsJson, revenueEconomics } from "./economics";
import { ZEconomicsQuery, ZSeriesQuery } from "./schemas";
import { revenueSeries, seriesJson } from "./series";
import { billingStats, billingStatsJson } from "./stats";

export type FieldErrors = Record<string, string>;

const errorsOf = (issues: FieldIssue[]): FieldErrors => Object.fromEntries(issues.map((i) => [i.field, i.message]));

export async function loadRevenuePage(sp: { from?: string; to?: string }, now = new Date()) {
  const values = { from: sp.from || undefined, to: sp.to || undefined };
  const parsed = ZSeriesQuery.safeParse(values);
  let errors: FieldErrors = parsed.success ? {} : errorsOf(zodIssues(parsed.error));
  let series;
  try {
    series = await revenueSeries({ ...(parsed.success ? parsed.data : {}), now }, readDb());
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation_error") throw e;
    errors = errorsOf((e.details as FieldIssue[]) ?? []);
    series = await revenueSeries({ now }, readDb());
  }
  const stats = billingStatsJson(await billingStats({ currency: series.currency, now }));
  return { values, errors, series: seriesJson(series), stats };
}

export async function loadEconomicsPage(sp: { month?: string }, now = new Date()) {
  const parsed = ZEconomicsQuery.safeParse({ month: sp.month || undefined });
  const errors: FieldErrors = parsed.success ? {} : errorsOf(zodIssues(parsed.error));
  const economics = economicsJson(
    await revenueEconomics({ month: parsed.success ? parsed.data.month : undefined, now }, readDb()),
  );
  return { values: { month: sp.month }, errors, economics };
}
