"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { IMPORT_SOURCES } from "@/lib/db/schema/imports";
import { formAction } from "@/lib/http/action";
import { removeSchedule } from "@/lib/imports/schedule";
import { startImport } from "@/lib/imports/start-import";
import { ZImportRequest } from "@/lib/imports/schemas";

// The form names the key `api_secret` so that a failed submit never sends it back to the page
// (formAction returns typed values, secrets excepted); errors about it still come as `api_key`.
const ZImportForm = z
  .object({
    source: z.enum(IMPORT_SOURCES, "choose FlexPrice or Lago"),
    api_url: ZImportRequest.shape.api_url,
    api_secret: ZImportRequest.shape.api_key,
    dry_run: z.literal("on").optional(),
    every_hours: z
      .string()
      .trim()
      .optional()
      .transform((s) => (s ? Number(s) : undefined))
      .pipe(z.number().int("a whole number of hours").min(1).max(168).optional()),
  })
  .transform((f) => ({
    source: f.source,
    body: {
      api_url: f.api_url,
      api_key: f.api_secret,
      dry_run: f.dry_run === "on",
      ...(f.every_hours !== undefined && { schedule: { every_hours: f.every_hours } }),
    },
  }));

export const runImportAction = formAction(
  ZImportForm,
  async ({ source, body }, user) => {
    try {
      const run = await startImport(source, body, `user:${user.id}`);
      return { id: run.id, dry_run: run.dry_run, counts: run.counts };
    } finally {
      // A run that failed is recorded too: the list shows it either way.
      revalidatePath("/admin/imports");
    }
  },
  {
    auth: "admin",
    message: (r) => {
      const all = Object.values(r.counts ?? {});
      const n = (o: "create" | "update" | "unchanged" | "skipped") => all.reduce((s, c) => s + c[o], 0);
      return `${r.dry_run ? "Dry run: would create" : "Imported: created"} ${n("create")}, ${r.dry_run ? "update" : "updated"} ${n("update")}; ${n("unchanged")} unchanged, ${n("skipped")} skipped.`;
    },
  },
);

export const stopScheduleAction = formAction(
  z.object({ source: z.enum(IMPORT_SOURCES, "choose FlexPrice or Lago") }),
  async ({ source }) => {
    await removeSchedule(source);
    revalidatePath("/admin/imports");
    return { source };
  },
  { auth: "admin", message: () => "Stopped: no more scheduled syncs; its stored key is deleted." },
);
