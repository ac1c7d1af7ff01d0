// Stored responses of idempotent requests: the same key with the same body answers the first
// response again; with a different body it is a 409.
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** The organization the request acted for ("platform" for requests without one). */
    orgId: text().notNull(),
    /** The operation ("credits.consume"): one key may be reused across different operations. */
    scope: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    status: integer().notNull(),
    response: jsonb().$type<unknown>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scope, t.key] })],
);
