// Who is signed in. Pages and server actions call requireUser / requireAdmin / requireCustomer
// themselves: the proxy is not a security boundary.
import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import type { Role } from "@/lib/db/schema";
import { auth } from "./config";
import { authSecret } from "./secret";
import { getUserById } from "./users";

export type SessionUser = { id: string; email: string; name: string; role: Role; orgId: string | null };

async function load(userId: string | undefined | null): Promise<SessionUser | null> {
  if (!userId) return null;
  const u = await getUserById(userId);
  return u ? { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId } : null;
}

/** The signed-in user of a page or server action, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return load(session?.user?.id);
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function requireAdmin(): Promise<SessionUser & { role: "admin" }> {
  const user = await requireUser();
  if (user.role !== "admin") forbidden();
  return user as SessionUser & { role: "admin" };
}

export type CustomerUser = SessionUser & { role: "owner" | "member"; orgId: string };

export async function requireCustomer(): Promise<CustomerUser> {
  const user = await requireUser();
  if (user.role === "admin" || !user.orgId) redirect("/admin");
  return user as CustomerUser;
}

export async function requireOwner(): Promise<CustomerUser & { role: "owner" }> {
  const user = await requireCustomer();
  if (user.role !== "owner") forbidden();
  return user as CustomerUser & { role: "owner" };
}

/** The session user behind a route handler's request (reads the session cookie directly). */
export async function userFromRequest(req: Request): Promise<SessionUser | null> {
  const cookie = req.headers.get("cookie") ?? "";
  if (!cookie.includes("authjs.session-token")) return null;
  const secureCookie = cookie.includes("__Secure-authjs.session-token");
  const token = await getToken({ req: { headers: { cookie } }, secret: authSecret(), secureCookie });
  return load(token?.sub);
}
