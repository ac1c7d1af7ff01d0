// The session user behind an API request, read from the Auth.js session cookie of the request
// itself (no next/headers), so route handlers work the same inside Next and on the fast path.
import "server-only";
import { getToken } from "@auth/core/jwt";
import type { RequestLike } from "@/lib/http/route";
import type { Role } from "@/lib/db/schema";
import { authSecret } from "./secret";
import { getUserById } from "./users";

export type SessionUser = { id: string; email: string; name: string; role: Role; orgId: string | null };

/** A token without a version was issued before versions existed: it counts as version 0. */
export function tokenSessionVersion(token: object | null | undefined): number {
  const sv = token && "sv" in token ? token.sv : undefined;
  return typeof sv === "number" ? sv : 0;
}

/** The user a session names, or null when the user is gone or disabled, or the session predates the user's last password reset. */
export async function loadSessionUser(
  userId: string | undefined | null,
  sessionVersion: number,
): Promise<SessionUser | null> {
  if (!userId) return null;
  const u = await getUserById(userId);
  if (!u || u.disabledAt || u.sessionVersion !== sessionVersion) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId };
}

export async function userFromRequest(req: RequestLike): Promise<SessionUser | null> {
  const cookie = req.headers.get("cookie") ?? "";
  if (!cookie.includes("authjs.session-token")) return null;
  const secureCookie = cookie.includes("__Secure-authjs.session-token");
  const token = await getToken({ req: { headers: { cookie } }, secret: authSecret(), secureCookie });
  return loadSessionUser(token?.sub, tokenSessionVersion(token));
}
