// FlexPrice's SDK path for one event (`/v1/events`): the same handler as /api/v1/events (its declared alias).
export { POST } from "@/app/api/v1/events/route";
