// Team invitations and membership. An owner invites an email with a role; the invitation email carries a
// single-use link valid for 7 days ("<id>.<secret>", only the secret's SHA-256 is stored). Following it, a
// new person creates their account in the organization. A user belongs to one organization: a person
// already in another is refused, naming it (nothing moves them silently out of their organization).
// Owners change roles and remove members; a removed member's account is kept (history and audit rows
// name it), detached and disabled, and a new invitation to its email brings it back. The organization
// always keeps at least one owner — the check
// and the change run in one transaction holding the organization's owner rows, so two owners demoting
// each other at once cannot leave none. Every function takes the acting owner's orgId: an owner of one
// organization can never reach another's members or invitations.
import "server-only";
import { and, asc, eq, gt, isNotNull, isNull, ne, sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { invitations, organizations, users, type Invitation, type User } from "@/lib/db/schema";
import { queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { appUrl } from "@/lib/env";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { hashPassword } from "@/lib/auth/password";
import { hashSecret, linkToken, newSecret, parseLinkToken, secretMatches } from "@/lib/auth/tokens";
import { createUser, normalizeEmail } from "@/lib/auth/users";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
export type MemberRole = "owner" | "member";
type Inviter = { id: string; name: string; orgId: string };

async function sendInvitation(tx: Executor, inv: Invitation, secret: string, inviter: Inviter) {
  const [org] = await tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, inv.orgId));
  const url = `${appUrl()}/invite?token=${encodeURIComponent(linkToken(inv.id, secret))}`;
  await queueEmail(tx, {
    ...invitationEmail({
      orgName: org!.name,
      inviterName: inviter.name,
      role: inv.role,
      url,
      expiresAt: inv.expiresAt,
    }),
    kind: "invitation",
    to: inv.email,
    orgId: inv.orgId,
  });
}

export async function inviteMember(
  inviter: Inviter,
  input: { email: string; role: MemberRole },
  now = new Date(),
): Promise<Invitation> {
  const email = normalizeEmail(input.email);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, email), eq(users.orgId, inviter.orgId)));
    if (existing)
      throw conflict(`${email} is already in this organization.`, [{ field: "email", message: "already a member" }]);
    // A new invitation replaces a pending one for the same email: only the newest link works.
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(pendingFor(inviter.orgId, eq(invitations.email, email)));
    const secret = newSecret();
    const [inv] = await tx
      .insert(invitations)
      .values({
        id: newId("ivt"),
        orgId: inviter.orgId,
        email,
        role: input.role,
        invitedBy: inviter.id,
        secretHash: hashSecret(secret),
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        createdAt: now,
      })
      .returning();
    await sendInvitation(tx, inv!, secret, inviter);
    return inv!;
  });
}

const pendingFor = (orgId: string, extra?: SQL) =>
  and(eq(invitations.orgId, orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), extra);

/** A fresh link (the old one stops working) and a new 7-day window, sent again. */
export async function resendInvitation(inviter: Inviter, id: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const secret = newSecret();
    const [inv] = await tx
      .update(invitations)
      .set({
        secretHash: hashSecret(secret),
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        invitedBy: inviter.id,
      })
      .where(pendingFor(inviter.orgId, eq(invitations.id, id)))
      .returning();
    if (!inv) throw notFound("Pending invitation");
    await sendInvitation(tx, inv, secret, inviter);
  });
}

export async function revokeInvitation(orgId: string, id: string, now = new Date()): Promise<void> {
  const done = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(pendingFor(orgId, eq(invitations.id, id)))
    .returning({ id: invitations.id });
  if (done.length === 0) throw notFound("Pending invitation");
}

/** Invitations not yet accepted nor revoked (expired ones included, to be resent or revoked). */
export async function listPendingInvitations(
  orgId: string,
  now = new Date(),
): Promise<(Invitation & { expired: boolean })[]> {
  const rows = await db.select().from(invitations).where(pendingFor(orgId)).orderBy(asc(invitations.createdAt));
  return rows.map((r) => ({ ...r, expired: r.expiresAt.getTime() <= now.getTime() }));
}

export type InvitationCheck =
  | { ok: true; invitation: Invitation; orgName: string; accountExists: boolean }
  | { ok: false; reason: "invalid" | "expired" | "used" };

export async function checkInvitation(token: string | null | undefined, now = new Date()): Promise<InvitationCheck> {
  const parsed = parseLinkToken(token);
  if (!parsed || !parsed.id.startsWith("ivt_")) return { ok: false, reason: "invalid" };
  const [row] = await db
    .select({ inv: invitations, orgName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(eq(invitations.id, parsed.id));
  if (!row || !secretMatches(parsed.secret, row.inv.secretHash)) return { ok: false, reason: "invalid" };
  if (row.inv.acceptedAt || row.inv.revokedAt) return { ok: false, reason: "used" };
  if (row.inv.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  const [account] = await db
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, row.inv.email));
  // A removed member's kept account accepts like a new person (it cannot sign in to accept).
  return {
    ok: true,
    invitation: row.inv,
    orgName: row.orgName,
    accountExists: Boolean(account && !account.disabledAt),
  };
}

const refused = (message: string) => new AppError("bad_request", message);
const LINK_GONE = "This invitation has expired, was revoked or was already used. Ask an owner to invite you again.";

/** Spends the invitation; false when it is no longer usable (also when another request spent it first). */
async function spend(tx: Executor, id: string, now: Date): Promise<boolean> {
  const spent = await tx
    .update(invitations)
    .set({ acceptedAt: now })
    .where(
      and(
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning({ id: invitations.id });
  return spent.length === 1;
}

/**
 * A new person: their account is created in the organization with the invited role and email. A
 * removed member's kept account (disabled, detached) is brought back instead, with the new name and
 * password: one account, one history.
 */
export async function acceptAsNewUser(
  token: string,
  input: { name: string; password: string },
  now = new Date(),
): Promise<User> {
  const check = await checkInvitation(token, now);
  if (!check.ok) throw refused(LINK_GONE);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (!(await spend(tx, check.invitation.id, now))) throw refused(LINK_GONE);
    const [revived] = await tx
      .update(users)
      .set({
        name: input.name,
        passwordHash,
        role: check.invitation.role,
        orgId: check.invitation.orgId,
        disabledAt: null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
      })
      .where(and(eq(users.email, check.invitation.email), isNotNull(users.disabledAt)))
      .returning();
    if (revived) return revived;
    return createUser(
      {
        email: check.invitation.email,
        name: input.name,
        passwordHash,
        role: check.invitation.role,
        orgId: check.invitation.orgId,
      },
      tx,
    );
  });
}

/**
 * Why a signed-in person cannot accept an invitation to `orgId`, or null when they can: a user belongs
 * to one organization, so one already in another is told which, and what to do.
 */
export async function joinRefusal(
  user: { role: string; orgId: string | null },
  orgId: string,
  tx: Executor = db,
): Promise<string | null> {
  if (user.role === "admin") return "A platform admin cannot join a customer organization.";
  if (!user.orgId || user.orgId === orgId) return null;
  const [current] = await tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, user.orgId));
  const name = current?.name ?? "another organization";
  return `You already belong to ${name}, and a Tally account belongs to one organization. Ask an owner of ${name} to remove you first, or ask to be invited with another email address.`;
}

/** A signed-in person whose email was invited, and who is in no other organization, joins it. */
export async function acceptAsExistingUser(
  token: string,
  user: { id: string; email: string; role: string; orgId: string | null },
  now = new Date(),
): Promise<void> {
  const check = await checkInvitation(token, now);
  if (!check.ok) throw refused(LINK_GONE);
  const inv = check.invitation;
  if (normalizeEmail(user.email) !== inv.email)
    throw refused(`This invitation is for ${inv.email}. Sign out, then sign in or sign up with that email.`);
  await db.transaction(async (tx) => {
    // Read inside the transaction: the membership the refusal is judged on is the one the update changes.
    const [current] = await tx
      .select({ role: users.role, orgId: users.orgId })
      .from(users)
      .where(eq(users.id, user.id))
      .for("update");
    const refusal = await joinRefusal(current ?? user, inv.orgId, tx);
    if (refusal) throw refused(refusal);
    if (!(await spend(tx, inv.id, now))) throw refused(LINK_GONE);
    // Already in this organization: the invitation is spent; a role is only ever raised by it.
    const role = current?.orgId === inv.orgId && current.role === "owner" ? "owner" : inv.role;
    await tx.update(users).set({ orgId: inv.orgId, role }).where(eq(users.id, user.id));
  });
}

/** Locks the organization's owner rows and counts those other than `userId`. */
async function otherOwners(tx: Executor, orgId: string, userId: string): Promise<number> {
  const owners = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, "owner")))
    .for("update");
  return owners.filter((o) => o.id !== userId).length;
}

const LAST_OWNER = "An organization needs at least one owner: make someone else an owner first.";

async function memberOf(tx: Executor, orgId: string, userId: string) {
  const [m] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, orgId), ne(users.role, "admin")));
  if (!m) throw notFound("Member");
  return m;
}

export async function changeMemberRole(orgId: string, userId: string, role: MemberRole): Promise<void> {
  await db.transaction(async (tx) => {
    const m = await memberOf(tx, orgId, userId);
    if (m.role === role) return;
    if (m.role === "owner" && (await otherOwners(tx, orgId, userId)) === 0) throw conflict(LAST_OWNER);
    await tx.update(users).set({ role }).where(eq(users.id, userId));
  });
}

/**
 * Removes the person from the organization; never the last owner. The account is kept — what it did
 * stays attributed to it — but detached from the organization, disabled and signed out everywhere.
 */
export async function removeMember(orgId: string, userId: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const m = await memberOf(tx, orgId, userId);
    if (m.role === "owner" && (await otherOwners(tx, orgId, userId)) === 0) throw conflict(LAST_OWNER);
    await tx
      .update(users)
      .set({ orgId: null, role: "member", disabledAt: now, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId));
  });
}
