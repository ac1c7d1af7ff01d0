import { importPlans, ZPlanImport } from "@/lib/catalog/import-plans";
import { route } from "@/lib/http/route";

export const POST = route({ auth: "operator", body: ZPlanImport, maxBodyBytes: 4 * 1024 * 1024 }, async ({ body }) => importPlans(body));
