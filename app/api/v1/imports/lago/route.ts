import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZImportRequest, ZImportRunReplyJson } from "@/lib/imports/schemas";
import { startImport } from "@/lib/imports/start-import";

export const POST = route(
  {
    path: "/api/v1/imports/lago",
    auth: "operator",
    body: ZImportRequest,
    doc: {
      tag: "Imports",
      response: ZImportRunReplyJson,
      summary: "Import (sync) from a Lago account",
      description:
        "Reads billable metrics (as meters), plans, customers, subscriptions and wallets (as credits) from Lago's API (`Authorization: Bearer`) and writes them in one transaction; `dry_run` lists what would change and writes nothing. Each imported object remembers its Lago id: running again updates instead of duplicating, and a changed price makes a new plan version. `schedule` syncs again every N hours. See docs/imports.md.",
      responses: {
        "200": "The run: counts by kind and outcome, and each item with its outcome and reason",
        "400": "Invalid field (api_url not http(s); api_key refused by Lago)",
        "503": "Lago could not be reached or answered something else than its API",
      },
    },
  },
  async ({ body, actor }) => startImport("lago", body, actorLabel(actor)),
);
