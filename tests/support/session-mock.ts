// A signed-in person for tests of server actions, in place of the Auth.js session:
//   vi.mock("@/lib/auth/session", () => import("./support/session-mock"));
// then signInAs(person) before each call. The guards answer as lib/auth/session's do: forbidden()
// for the wrong role (a 403 page), an error where the real one redirects.
import { forbidden } from "next/navigation";
import { makeUser } from "./fixtures";

export type Who = { id: string; role: "owner" | "member" | "admin"; orgId: string | null };

// forbidden() throws only with auth interrupts on, as next.config.ts turns them on.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

let current: Who | null = null;
export const signInAs = (who: Who | null) => {
  current = who;
};

export async function requireUser(): Promise<Who> {
  if (!current) throw new Error("signed out");
  return current;
}
export async function requireAdmin(): Promise<Who> {
  const u = await requireUser();
  if (u.role !== "admin") forbidden();
  return u;
}
export async function requireCustomer(): Promise<Who> {
  const u = await requireUser();
  if (u.role === "admin" || !u.orgId) throw new Error("redirect /admin");
  return u;
}
export async function requireOwner(): Promise<Who> {
  const u = await requireUser();
  if (u.role !== "owner") forbidden();
  return u;
}

/** The people these tests act as: an owner and a member of A, the owner of B, and the admin. */
export async function people(orgA: string, orgB: string) {
  const mk = async (role: Who["role"], orgId: string | null): Promise<Who> => ({
    id: (await makeUser(role, orgId)).id,
    role,
    orgId,
  });
  return {
    ownerA: await mk("owner", orgA),
    memberA: await mk("member", orgA),
    ownerB: await mk("owner", orgB),
    adminUser: await mk("admin", null),
  };
}

/** A form as the browser posts it. */
export function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}
