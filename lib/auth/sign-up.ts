// Sign-up: a new organization and its owner, together or not at all. Its answer never says
// whether the email already had an account (Tally sends no email that could tell the owner
// instead): a taken email costs the same hash and the same transaction, which rolls back.
// Sign-ups are counted per email and per client address like sign-ins (lib/auth/throttle.ts): each
// creates an organization, and a script must not create thousands.
import "server-only";
import { db } from "@/lib/db/client";
import type { User } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { createOrganization } from "@/lib/orgs/organizations";
import { hashPassword } from "./password";
import { claimSignInAttempt } from "./throttle";
import { createUser } from "./users";

/** The new owner, or null when the email is taken; callers answer both alike. */
export async function signUp(
  input: {
    organizationName: string;
    name: string;
    email: string;
    password: string;
  },
  ip: string | null = null,
  now = new Date(),
): Promise<User | null> {
  const verdict = await claimSignInAttempt(input.email, ip, now, "sign-up:");
  if (!verdict.allowed)
    throw new AppError(
      "rate_limited",
      `Too many new accounts from here. Try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minutes.`,
    );
  // Hash outside the transaction: it takes ~50 ms and PGlite runs one transaction at a time.
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const org = await createOrganization({ name: input.organizationName, email: input.email }, tx);
      return createUser({ email: input.email, name: input.name, passwordHash, role: "owner", orgId: org.id }, tx);
    });
  } catch (e) {
    if (e instanceof AppError && e.code === "conflict") return null;
    throw e;
  }
}
