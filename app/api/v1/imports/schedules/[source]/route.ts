import { z } from "zod";
import { IMPORT_SOURCES } from "@/lib/db/schema/imports";
import { route } from "@/lib/http/route";
import { removeSchedule } from "@/lib/imports/schedule";
import { ZImportScheduleDeletedJson } from "@/lib/imports/schemas";

/** Stops a source's sync on a schedule without running an import (the admin page's Stop). */
export const DELETE = route(
  {
    path: "/api/v1/imports/schedules/{source}",
    auth: "operator",
    params: z.object({ source: z.enum(IMPORT_SOURCES, "flexprice or lago") }),
    doc: {
      tag: "Imports",
      response: ZImportScheduleDeletedJson,
      summary: "Stop a scheduled sync",
      description:
        "No more scheduled imports from this source; the stored (sealed) API key is deleted with the schedule. What earlier runs imported stays. Safe to repeat: without a schedule it answers `deleted: false`. GET /api/v1/imports lists the schedules.",
      responses: {
        "200": "Stopped (deleted: true), or there was none (deleted: false)",
        "400": "Invalid field (source)",
      },
    },
  },
  async ({ params }) => ({
    object: "import_schedule" as const,
    source: params.source,
    deleted: await removeSchedule(params.source),
  }),
);
