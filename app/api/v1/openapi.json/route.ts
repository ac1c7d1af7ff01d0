import { openApiDocument } from "@/lib/api-spec";
import { route } from "@/lib/http/route";

export const GET = route({ auth: "public" }, async () => openApiDocument());
