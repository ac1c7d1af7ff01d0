// First sign-in with GitHub or Google: the account is matched by email, or created as the owner
// of a new organization named after the person.
import "server-only";
import type { User } from "@/lib/db/schema";
import { db } from "@/lib/db/client";
import { createOrganization } from "@/lib/orgs/organizations";
import { createUser, findUserByEmail, touchSignIn } from "./users";

export async function signInWithProvider(profile: { email: string; name: string }): Promise<User> {
  const existing = await findUserByEmail(profile.email);
  if (existing) {
    await touchSignIn(existing.id);
    return existing;
  }
  return db.transaction(async (tx) => {
    const org = await createOrganization({ name: `${profile.name}'s organization`, email: profile.email }, tx);
    return createUser({ email: profile.email, name: profile.name, passwordHash: null, role: "owner", orgId: org.id }, tx);
  });
}
