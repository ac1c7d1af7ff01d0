import { route } from "@/lib/http/route";
import { ZSellerSettingsJson, ZSellerSettingsPatch } from "@/lib/invoices/party-schemas";
import { getSellerSettings, sellerSettingsJson, updateSellerSettings } from "@/lib/invoices/seller-settings";

export const GET = route(
  {
    path: "/api/v1/settings/invoicing",
    auth: "operator",
    doc: {
      tag: "Admin",
      response: ZSellerSettingsJson,
      summary: "The seller's details printed on invoices and the invoice number prefix",
    },
  },
  async () => sellerSettingsJson(await getSellerSettings()),
);

export const PATCH = route(
  {
    path: "/api/v1/settings/invoicing",
    auth: "operator",
    body: ZSellerSettingsPatch,
    doc: {
      tag: "Admin",
      response: ZSellerSettingsJson,
      summary: "Change the seller's details or the invoice number prefix (only the fields sent)",
      description:
        "Invoices issued from now on carry these details and the prefix; invoices already issued keep the details they were issued with. The number's sequence is shared across prefixes, so numbers stay unique.",
      responses: { "200": "OK", "400": "Invalid field" },
    },
  },
  async ({ body }) => sellerSettingsJson(await updateSellerSettings(body)),
);
