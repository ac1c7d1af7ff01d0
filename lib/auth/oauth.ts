// Sign-in with GitHub or Google: the decision (provider-identity.ts) applied to the database. A
// new verified email gets an organization of its own, with the person as its owner.
import "server-only";
import type { User } from "@/lib/db/schema";
import { db } from "@/lib/db/client";
import { createOrganization } from "@/lib/orgs/organizations";
import {
  decideProviderSignIn,
  primaryGitHubEmail,
  type ProviderIdentity,
  type ProviderRefusal,
} from "./provider-identity";
import { createUser, findUserByEmail, touchSignIn } from "./users";

/**
 * Auth.js's userinfo request for GitHub: the profile, with `email` and `email_verified` taken from
 * the primary address of the emails API (the profile's public email carries no verified flag).
 */
export async function githubUserinfo({
  tokens,
  provider,
}: {
  tokens: { access_token?: string };
  provider: { userinfo?: { url?: URL | string } };
}): Promise<Record<string, unknown>> {
  const headers = {
    Authorization: `Bearer ${tokens.access_token ?? ""}`,
    "User-Agent": "tally",
    Accept: "application/vnd.github+json",
  };
  const profileUrl = new URL(String(provider.userinfo?.url ?? "https://api.github.com/user"));
  const profile = (await (await fetch(profileUrl, { headers })).json()) as Record<string, unknown>;
  // Relative to the profile URL, so GitHub Enterprise's /api/v3/user gets /api/v3/user/emails.
  const res = await fetch(new URL("user/emails", profileUrl), { headers });
  const primary = res.ok ? primaryGitHubEmail(await res.json()) : null;
  return { ...profile, email: primary?.email ?? null, email_verified: primary?.verified ?? false };
}

export type ProviderSignInResult = { ok: true; user: User } | { ok: false; reason: ProviderRefusal };

/** Applies the decision: links to the existing user, or creates an organization and its owner. */
export async function signInWithProvider(identity: ProviderIdentity): Promise<ProviderSignInResult> {
  const existing = identity.email ? await findUserByEmail(identity.email) : null;
  const decision = decideProviderSignIn(identity, existing);
  if (decision.action === "refuse") return { ok: false, reason: decision.reason };
  if (decision.action === "link") {
    await touchSignIn(decision.userId);
    return { ok: true, user: existing! };
  }
  const email = identity.email!;
  const user = await db.transaction(async (tx) => {
    const org = await createOrganization({ name: `${identity.name}'s organization`, email }, tx);
    return createUser({ email, name: identity.name, passwordHash: null, role: "owner", orgId: org.id }, tx);
  });
  return { ok: true, user };
}
