// Users, sign-in throttling and API keys.
import { sql } from "drizzle-orm";
import type { ApiKeyPermission } from "@/lib/auth/key-permissions";
import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const ROLES = ["admin", "owner", "member"] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  "users",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    /** scrypt$N$r$p$salt$hash; null for users who only sign in with GitHub or Google. */
    passwordHash: text(),
    role: text().$type<Role>().notNull(),
    /** Null for platform admins; set for owners and members. */
    orgId: text().references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }),
    /**
     * Carried in every session token at sign-in; a session whose version differs is refused. A
     * password reset increments it, so every session signed in before the reset stops working.
     */
    sessionVersion: integer().notNull().default(0),
    /**
     * Set when an owner removed the person from their organization: the account is kept (its history
     * and audit rows name it) but detached (no organization) and cannot sign in; a new invitation to
     * its email brings it back.
     */
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), index("users_org_id_idx").on(t.orgId)],
);

/**
 * Sign-in attempts per email and per IP, in fixed windows; shared by every replica. Attempts are
 * counted before the password is checked and a success gives its attempt back, so `failures` is
 * the failures (and attempts in flight) of the window.
 */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text().primaryKey(),
  failures: integer().notNull(),
  windowStartedAt: timestamp({ withTimezone: true }).notNull(),
  lockedUntil: timestamp({ withTimezone: true }),
});

export const API_KEY_SCOPES = ["platform", "customer"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text().primaryKey(),
    /** Null for platform keys, which act for any customer named in the request. */
    orgId: text().references(() => organizations.id, { onDelete: "cascade" }),
    scope: text().$type<ApiKeyScope>().notNull(),
    /** What the key may call (lib/auth/key-permissions.ts); null: everything its scope allows. */
    permissions: text().array().$type<ApiKeyPermission[]>(),
    /**
     * Its rate limit, a token bucket (lib/rate-limits/): refilled at this many requests a second,
     * holding at most rateLimitBurst. The defaults are what keys made before limits existed got;
     * new keys get their access preset's (lib/auth/key-rate-limits.ts).
     */
    rateLimitPerSecond: integer().notNull().default(1000),
    rateLimitBurst: integer().notNull().default(2000),
    name: text().notNull(),
    /** The first characters of the key, shown so a person can tell keys apart. */
    prefix: text().notNull(),
    /** sha256 of the whole key: keys carry 190 bits of entropy, so a fast hash is safe here. */
    keyHash: text().notNull(),
    createdByUserId: text().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_org_id_idx")
      .on(t.orgId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
