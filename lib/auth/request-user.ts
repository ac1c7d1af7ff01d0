// The session user behind an API request, read from the Auth.js session cookie of the request
// itself (no next/headers), so route handlers work the same inside Next and on the fast path.
import "server-only";
import { getToken } from "@auth/core/jwt";
import type { RequestLike } from "@/lib/http/route";
import type { Role } from "@/lib/db/schema";
import { authSecret } from "./secret";
import { getUserById } from "./users";

export type SessionUser = { id: string; email: string; name: string; role: Role; orgId: string | null };

export async function loadSessionUser(userId: string | undefined | null): Promise<SessionUser | null> {
  if (!userId) return null;
  const u = await getUserById(userId);
  return u ? { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId } : null;
}

export async function userFromRequest(req: RequestLike): Promise<SessionUser | null> {
  const cookie = req.headers.get("cookie") ?? "";
  if (!cookie.includes("authjs.session-token")) return null;
  const secureCookie = cookie.includes("__Secure-authjs.session-token");
  const token = await getToken({ req: { headers: { cookie } }, secret: authSecret(), secureCookie });
  return loadSessionUser(token?.sub);
}
