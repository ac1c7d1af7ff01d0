// Email: an outbox of messages (written in the transaction of the change that causes them, sent by a
// job over SMTP, or kept for the admin's mailbox page when no SMTP server is configured), each user's
// opt-outs per notification kind, and the single-use tokens behind password-reset and invitation links.
import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./orgs";

/** pending: waits for the SMTP job; sent: the SMTP server accepted it; stored: kept in the mailbox (no SMTP); failed: given up. */
export const EMAIL_STATUSES = ["pending", "sent", "stored", "failed"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const emails = pgTable(
  "emails",
  {
    id: text().primaryKey(),
    /** The template kind (a notification kind, "invitation" or "password_reset"). */
    kind: text().notNull(),
    orgId: text().references(() => organizations.id, { onDelete: "cascade" }),
    userId: text().references(() => users.id, { onDelete: "set null" }),
    to: text().notNull(),
    from: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    /** The outbound event (webhook_messages.id) this notification reports; one email per event and recipient. */
    sourceEventId: text(),
    status: text().$type<EmailStatus>().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("emails_created_idx").on(t.createdAt, t.id),
    index("emails_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    uniqueIndex("emails_source_event_to_key")
      .on(t.sourceEventId, t.to)
      .where(sql`${t.sourceEventId} is not null`),
  ],
);

/** A row: the user receives no email of that kind. */
export const emailOptOuts = pgTable(
  "email_opt_outs",
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** Password-reset links: only the SHA-256 of the secret is kept; used once, within an hour. */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    secretHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    role: text().$type<"owner" | "member">().notNull(),
    invitedBy: text().references(() => users.id, { onDelete: "set null" }),
    secretHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "invitations_pkey", columns: [t.id, t.orgId] }),
    index("invitations_org_idx").on(t.orgId, t.createdAt),
  ],
);

export type Email = typeof emails.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
