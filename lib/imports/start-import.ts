// What the routes and the admin page call: run one import for the signed-in admin or platform key,
// and keep, replace or remove the source's schedule when asked.
import "server-only";
import type { ImportSource } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { importRunJson, runImport } from "./run-import";
import type { ImportRequestBody } from "./schemas";
import { removeSchedule, saveSchedule, scheduleJson } from "./schedule";

export async function startImport(source: ImportSource, body: ImportRequestBody, actor: string) {
  if (body.schedule && body.dry_run)
    throw invalidField("schedule", "a schedule applies imports: send it with dry_run false");
  const run = await runImport(source, { apiUrl: body.api_url, apiKey: body.api_key, dryRun: body.dry_run, actor });
  let schedule;
  if (body.schedule)
    schedule = scheduleJson(await saveSchedule(source, run, body.api_key, body.schedule.every_hours, actor));
  else if (body.schedule === null) schedule = (await removeSchedule(source), null);
  return { ...importRunJson(run), ...(schedule !== undefined && { schedule }) };
}
