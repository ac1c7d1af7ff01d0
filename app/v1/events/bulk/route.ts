// FlexPrice's SDK path for a batch (`/v1/events/bulk`): the same handler as /api/v1/events/bulk (its declared alias).
export { POST } from "@/app/api/v1/events/bulk/route";
