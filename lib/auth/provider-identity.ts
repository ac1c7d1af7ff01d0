// Which Tally user a GitHub or Google sign-in may become. Tally keeps no provider account ids: a
// provider sign-in is matched to a Tally user by email on every sign-in. So an email counts only
// when the provider vouches that its user controls it (GitHub: the primary address from the emails
// API, `verified`; Google: the `email_verified` claim), and an operator (admin) account is never
// reached this way: operators sign in with their password. Pure functions, no I/O.
import type { Role } from "@/lib/db/schema";

export type ProviderIdentity = { email: string | null; emailVerified: boolean; name: string };

export type ProviderRefusal = "no_email" | "unverified_email" | "operator_account" | "account_disabled";

export type ProviderSignInDecision =
  { action: "link"; userId: string } | { action: "create" } | { action: "refuse"; reason: ProviderRefusal };

/** What a provider sign-in may do, given the Tally user with that email (if any). Pure. */
export function decideProviderSignIn(
  identity: ProviderIdentity,
  existing: { id: string; role: Role; disabledAt?: Date | null } | null,
): ProviderSignInDecision {
  if (!identity.email) return { action: "refuse", reason: "no_email" };
  // Unverified is refused even with no account yet: creating one would claim an address that its
  // owner could then never sign up with.
  if (!identity.emailVerified) return { action: "refuse", reason: "unverified_email" };
  if (!existing) return { action: "create" };
  if (existing.role === "admin") return { action: "refuse", reason: "operator_account" };
  if (existing.disabledAt) return { action: "refuse", reason: "account_disabled" };
  return { action: "link", userId: existing.id };
}

/**
 * The email a provider vouches for, from the profile Auth.js hands over: Google's ID-token claims,
 * or GitHub's profile as `githubUserinfo` completes it.
 */
export function providerIdentity(
  profile: Record<string, unknown> | undefined,
  fallbackName: string | null | undefined,
): ProviderIdentity {
  const email = typeof profile?.email === "string" && profile.email.trim() ? profile.email.trim() : null;
  const verified = profile?.email_verified === true || profile?.email_verified === "true";
  const name =
    typeof profile?.name === "string" && profile.name.trim() ? profile.name.trim() : (fallbackName ?? email ?? "");
  return { email, emailVerified: verified, name: name || (email ?? "") };
}

type GitHubEmail = { email?: unknown; primary?: unknown; verified?: unknown };

/** GitHub's primary address and whether GitHub verified it, from GET /user/emails. Pure. */
export function primaryGitHubEmail(emails: unknown): { email: string; verified: boolean } | null {
  if (!Array.isArray(emails)) return null;
  const primary = (emails as GitHubEmail[]).find((e) => e && e.primary === true && typeof e.email === "string");
  return primary ? { email: primary.email as string, verified: primary.verified === true } : null;
}
