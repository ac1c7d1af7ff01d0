// Users: lookups, creation with a role, and the operator's bootstrap admin.
import "server-only";
import { asc, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { users, type Role, type User } from "@/lib/db/schema";
import { conflict } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";
import { hashPassword } from "./password";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(email: string, tx: Executor = db): Promise<User | null> {
  const [u] = await tx
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return u ?? null;
}

export async function getUserById(id: string, tx: Executor = db): Promise<User | null> {
  const [u] = await tx.select().from(users).where(eq(users.id, id));
  return u ?? null;
}

export async function createUser(
  input: { email: string; name: string; passwordHash: string | null; role: Role; orgId: string | null },
  tx: Executor = db,
): Promise<User> {
  if ((input.role === "admin") !== (input.orgId === null))
    throw new Error("Admins have no organization; owners and members have one.");
  const passwordHash = input.passwordHash;
  try {
    const [u] = await tx
      .insert(users)
      .values({
        id: newId("usr"),
        email: normalizeEmail(input.email),
        name: input.name,
        passwordHash,
        role: input.role,
        orgId: input.orgId,
      })
      .returning();
    return u!;
  } catch (e) {
    if (isUniqueViolation(e, "users_email_key"))
      throw conflict("An account with this email already exists.", [{ field: "email", message: "already registered" }]);
    throw e;
  }
}

export async function listMembers(
  orgId: string,
): Promise<Pick<User, "id" | "email" | "name" | "role" | "createdAt" | "lastSignInAt">[]> {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      createdAt: users.createdAt,
      lastSignInAt: users.lastSignInAt,
    })
    .from(users)
    .where(eq(users.orgId, orgId))
    .orderBy(asc(users.createdAt));
}

/** TALLY_ADMIN_EMAIL / TALLY_ADMIN_PASSWORD: the admin exists with that password. */
export async function ensureAdmin(email: string, password: string): Promise<void> {
  const existing = await findUserByEmail(email);
  if (!existing) {
    await createUser({
      email,
      name: "Administrator",
      passwordHash: await hashPassword(password),
      role: "admin",
      orgId: null,
    });
    return;
  }
  await db
    .update(users)
    .set({ role: "admin", orgId: null, passwordHash: await hashPassword(password) })
    .where(eq(users.id, existing.id));
}

export async function touchSignIn(userId: string): Promise<void> {
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId));
}
