import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZImportRequest, ZImportRunReplyJson } from "@/lib/imports/schemas";
import { startImport } from "@/lib/imports/start-import";

export const POST = route(
  {
    path: "/api/v1/imports/flexprice",
    auth: "operator",
    body: ZImportRequest,
    doc: {
      tag: "Imports",
      response: ZImportRunReplyJson,
      summary: "Import (sync) from a FlexPrice account",
      description:
        "Reads meters, plans and prices, customers, subscriptions and wallets (as purchased credits) from FlexPrice's API (`x-api-key`) and writes them in one transaction; `dry_run` lists what would change and writes nothing. Each imported object remembers its FlexPrice id: running again updates instead of duplicating, and a changed price makes a new plan version. `schedule` syncs again every N hours. See docs/imports.md.",
      responses: {
        "200": "The run: counts by kind and outcome, and each item with its outcome and reason",
        "400": "Invalid field (api_url not http(s); api_key refused by FlexPrice)",
        "503": "FlexPrice could not be reached or answered something else than its API",
      },
    },
  },
  async ({ body, actor }) => startImport("flexprice", body, actorLabel(actor)),
);
