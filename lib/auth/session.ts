// Who is signed in. Pages and server actions call requireUser / requireAdmin / requireCustomer
// themselves: the proxy is not a security boundary.
import "server-only";
import { forbidden, redirect } from "next/navigation";
import { auth } from "./config";
import { loadSessionUser, tokenSessionVersion, type SessionUser } from "./request-user";

export type { SessionUser } from "./request-user";
export { userFromRequest } from "./request-user";

/** The signed-in user of a page or server action, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return loadSessionUser(session?.user?.id, tokenSessionVersion(session));
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
