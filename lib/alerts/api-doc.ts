import type { Operation } from "@/lib/http/openapi";
import { ZAlertList } from "./schemas";

export const alertOperations: Operation[] = [
  { method: "get", path: "/api/v1/alerts", tag: "Alerts", auth: "any", summary: "A customer's alerts (usage at 80 % / 100 % of a plan limit, low credit balance), newest first", query: ZAlertList, description: "Each alert is raised once per customer, kind, key, threshold and period." },
  { method: "post", path: "/api/v1/alerts/{id}/acknowledge", tag: "Alerts", auth: "any", summary: "Acknowledge an alert (idempotent)", responses: { "200": "OK", "404": "No such alert (or another customer's)" } },
];
