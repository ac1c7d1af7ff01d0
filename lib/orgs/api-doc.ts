import type { Operation } from "@/lib/http/openapi";
import { ZCustomerCreate, ZCustomerList, ZCustomerPatch } from "./schemas";

export const customerOperations: Operation[] = [
  { method: "get", path: "/api/v1/customers", tag: "Customers", auth: "any", summary: "List customers (a customer sees itself)", query: ZCustomerList },
  { method: "post", path: "/api/v1/customers", tag: "Customers", auth: "operator", summary: "Create a customer", description: "Takes an optional Idempotency-Key header: a retry with the same key and body answers the first customer again and creates none.", body: ZCustomerCreate, responses: { "201": "Created", "400": "Invalid field", "409": "external_id in use, or the key was used with another body" } },
  { method: "get", path: "/api/v1/customers/{id}", tag: "Customers", auth: "any", summary: "A customer, by id or external_id", responses: { "200": "OK", "404": "Not found (or another customer's)" } },
  { method: "patch", path: "/api/v1/customers/{id}", tag: "Customers", auth: "operator", summary: "Change a customer's name, email, external_id or metadata", body: ZCustomerPatch, responses: { "200": "OK", "400": "Invalid field", "404": "Not found", "409": "external_id in use" } },
];
