import { route } from "@/lib/http/route";
import { importRunJson, listImports } from "@/lib/imports/run-import";
import { listSchedules, scheduleJson } from "@/lib/imports/schedule";
import { ZImportListJson } from "@/lib/imports/schemas";

export const GET = route(
  {
    path: "/api/v1/imports",
    auth: "operator",
    doc: {
      tag: "Imports",
      response: ZImportListJson,
      summary: "List import runs (newest first, the last 50) and the sync schedules",
    },
  },
  async () => ({
    object: "list",
    data: (await listImports()).map(importRunJson),
    schedules: (await listSchedules()).map(scheduleJson),
  }),
);
