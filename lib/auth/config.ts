// Auth.js: email + password for everyone; GitHub and Google when their credentials are set.
// Sessions are signed JWTs carrying the user id only; role and organization are read from the
// database on every request (lib/auth/session.ts), so a role change takes effect at once.
import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { burnPasswordCheck, verifyPassword } from "./password";
import { authSecret } from "./secret";
import { claimSignInAttempt, clientIp, recordSignInSuccess } from "./throttle";
import { tokenSessionVersion } from "./request-user";
import { findUserByEmail, getUserById, touchSignIn } from "./users";
import { githubUserinfo, signInWithProvider } from "./oauth";
import { providerIdentity } from "./provider-identity";

export class RateLimitedSignIn extends CredentialsSignin {
  override code = "rate_limited";
}

const ZCredentials = z.object({ email: z.string().trim().min(1), password: z.string().min(1) });

/**
 * The one check behind every email + password sign-in. Null for any failure, without saying which.
 * The attempt is counted before the password is checked, so concurrent guesses cannot all slip
 * under the limit.
 */
export async function authorizeCredentials(
  raw: unknown,
  headers: Headers,
): Promise<{ id: string; email: string; name: string } | null> {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = clientIp(headers);
  const verdict = await claimSignInAttempt(email, ip);
  if (!verdict.allowed) {
    metrics.signInFailures.inc({ reason: "rate_limited" });
    throw new RateLimitedSignIn();
  }
  const user = await findUserByEmail(email);
  const ok = user?.passwordHash
    ? await verifyPassword(password, user.passwordHash)
    : (await burnPasswordCheck(password), false);
  // A removed member's account is kept but signs in no more: refused like a wrong password.
  if (!user || !ok || user.disabledAt) {
    metrics.signInFailures.inc({ reason: "invalid_credentials" });
    return null;
  }
  await recordSignInSuccess(email, ip);
  await touchSignIn(user.id);
  return { id: user.id, email: user.email, name: user.name };
}

function providers(): NextAuthConfig["providers"] {
  const e = env();
  const list: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, request) => authorizeCredentials(credentials, request.headers),
    }),
  ];
  // GitHub's profile email has no verified flag: the userinfo request reads the primary address from the emails API.
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET)
    list.push(
      GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET, userinfo: { request: githubUserinfo } }),
    );
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET)
    list.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));
  return list;
}

export function oauthProviders(): { id: string; name: string }[] {
  const e = env();
  return [
    ...(e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET ? [{ id: "github", name: "GitHub" }] : []),
    ...(e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET ? [{ id: "google", name: "Google" }] : []),
  ];
}

const QUIET_AUTH_ERRORS = new Set(["CredentialsSignin", "AccessDenied", "MissingCSRF", "Verification"]);

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  // Auth.js's own messages go to the structured log. A refused sign-in, a stale form (CSRF) or a
  // denied consent is the user's business, not the operator's: error level is for the rest.
  logger: {
    error: (e: Error) => {
      const type = (e as { type?: string }).type ?? e.name;
      if (QUIET_AUTH_ERRORS.has(type)) log.info({ auth: type }, "sign-in refused");
      else if (type === "OAuthCallbackError") log.warn({ auth: type, err: e }, "provider sign-in failed");
      else log.error({ err: e }, "auth error");
    },
    warn: (code: string) => log.warn({ auth: code }, "auth warning"),
    debug: () => {},
  },
  providers: providers(),
  callbacks: {
    async signIn({ account, user, profile }) {
      if (!account || account.provider === "credentials") return true;
      const result = await signInWithProvider(
        providerIdentity(profile as Record<string, unknown> | undefined, user.name),
      );
      if (!result.ok) {
        log.info({ auth: "provider_refused", provider: account.provider, reason: result.reason }, "sign-in refused");
        return `/sign-in?error=AccessDenied&code=${result.reason}`;
      }
      // Without a database adapter Auth.js hands this same object to jwt(): the session names the
      // Tally user. (Were it ever a copy, the token would carry the provider's id, which names no
      // user: signed out, not signed in as someone else.)
      user.id = result.user.id;
      return true;
    },
    // The session version is read once, at sign-in: a later password reset bumps the user's and
    // so refuses this token (lib/auth/request-user.ts).
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = (await getUserById(user.id))?.sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return Object.assign(session, { sv: tokenSessionVersion(token) });
    },
  },
}));
