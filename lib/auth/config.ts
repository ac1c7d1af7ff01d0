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
import { checkSignInAllowed, clientIp, recordSignInFailure, recordSignInSuccess } from "./throttle";
import { findUserByEmail, touchSignIn } from "./users";
import { signInWithProvider } from "./oauth";

export class RateLimitedSignIn extends CredentialsSignin {
  override code = "rate_limited";
}

const ZCredentials = z.object({ email: z.string().trim().min(1), password: z.string().min(1) });

/** The one check behind every email + password sign-in. Null for any failure, without saying which. */
export async function authorizeCredentials(raw: unknown, headers: Headers): Promise<{ id: string; email: string; name: string } | null> {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = clientIp(headers);
  const verdict = await checkSignInAllowed(email, ip);
  if (!verdict.allowed) {
    metrics.signInFailures.inc({ reason: "rate_limited" });
    throw new RateLimitedSignIn();
  }
  const user = await findUserByEmail(email);
  const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    metrics.signInFailures.inc({ reason: "invalid_credentials" });
    await recordSignInFailure(email, ip);
    return null;
  }
  await recordSignInSuccess(email);
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
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) list.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) list.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));
  return list;
}

export function oauthProviders(): { id: string; name: string }[] {
  const e = env();
  return [
    ...(e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET ? [{ id: "github", name: "GitHub" }] : []),
    ...(e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET ? [{ id: "google", name: "Google" }] : []),
  ];
}

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  // Auth.js's own messages go to the structured log; a failed sign-in is expected, not an error.
  logger: {
    error: (e: Error) => (e.name === "CredentialsSignin" || (e as { type?: string }).type === "CredentialsSignin" ? log.info({ auth: e.name }, "sign-in refused") : log.error({ err: e }, "auth error")),
    warn: (code: string) => log.warn({ auth: code }, "auth warning"),
    debug: () => {},
  },
  providers: providers(),
  callbacks: {
    async signIn({ account, user }) {
      if (!account || account.provider === "credentials") return true;
      // GitHub / Google: only verified emails; the first sign-in creates an organization and its owner.
      return Boolean(user.email);
    },
    async jwt({ token, user, account }) {
      if (account && account.provider !== "credentials" && user?.email) {
        token.sub = (await signInWithProvider({ email: user.email, name: user.name ?? user.email })).id;
      } else if (user?.id) {
        token.sub = user.id;
      }
      return token;
    },
    async session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));
