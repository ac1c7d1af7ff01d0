// Sign-up: a new organization and its owner, together or not at all.
import "server-only";
import { db } from "@/lib/db/client";
import type { User } from "@/lib/db/schema";
import { createOrganization } from "@/lib/orgs/organizations";
import { hashPassword } from "./password";
import { createUser } from "./users";

export async function signUp(input: { organizationName: string; name: string; email: string; password: string }): Promise<User> {
  // Hash outside the transaction: it takes ~50 ms and PGlite runs one transaction at a time.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const org = await createOrganization({ name: input.organizationName, email: input.email }, tx);
    return createUser({ email: input.email, name: input.name, passwordHash, role: "owner", orgId: org.id }, tx);
  });
}
