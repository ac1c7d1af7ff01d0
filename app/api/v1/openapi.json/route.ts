import { openApiDocument } from "@/app/api/openapi-document";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/openapi.json",
    auth: "public",
    doc: {
      tag: "Operations",
      summary: "This document",
    },
  },
  async () => openApiDocument(),
);
