// Team invitations: the email arrives over SMTP with a working link; a new person signs up through it and
// one already in another organization is refused, naming it; a removed member's account is kept, disabled,
// and comes back through a new invitation; expired, revoked, replaced and used links are refused; the last owner is protected;
// an owner of one organization cannot reach another's members or invitations.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { authorizeCredentials } from "@/lib/auth/config";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { userFromRequest } from "@/lib/auth/request-user";
import { db } from "@/lib/db/client";
import { apiKeys, emails, users } from "@/lib/db/schema";
import { sendDueEmails } from "@/lib/email/outbox";
import { resetEnvCache } from "@/lib/env";
import {
  acceptAsExistingUser,
  acceptAsNewUser,
  changeMemberRole,
  checkInvitation,
  INVITATION_TTL_MS,
  inviteMember,
  listPendingInvitations,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from "@/lib/orgs/invitations";
import { makeOrg, makeUser, sessionCookie, uid } from "./support/fixtures";
import { headerOf, startSmtp, textPart, type SmtpSink } from "./support/smtp";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtp();
}, 60_000);
afterAll(async () => {
  delete process.env.SMTP_URL;
  resetEnvCache();
  await smtp?.close();
});

const useSmtp = (on: boolean) => {
  if (on) process.env.SMTP_URL = smtp.url;
  else delete process.env.SMTP_URL;
  resetEnvCache();
};

async function orgWithOwner() {
  const org = await makeOrg();
  const owner = await makeUser("owner", org.id);
  return { org, owner, inviter: { id: owner.id, name: owner.name, orgId: org.id } };
}
const tokenIn = (text: string) => {
  const url = /(http:\/\/\S+\/invite\?token=\S+)/.exec(text)?.[1];
  return url ? new URL(url).searchParams.get("token")! : null;
};
async function lastTokenFor(email: string) {
  const rows = await db.select().from(emails).where(eq(emails.to, email));
  rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return tokenIn(rows.at(-1)!.text)!;
}

describe("invitations", () => {
  it("the email arrives over SMTP; a new person signs up through the link and joins with the role", async () => {
    useSmtp(true);
    const { org, inviter } = await orgWithOwner();
    const email = `new-${uid()}@example.test`;
    await inviteMember(inviter, { email: email.toUpperCase(), role: "member" });
    await sendDueEmails(new Date(Date.now() + 60_000));
    const [mail, ...more] = smtp.received.filter((m) => m.to.includes(email));
    expect(more).toHaveLength(0);
    expect(headerOf(mail!.raw, "Subject")).toBe(`${inviter.name} invited you to ${org.name} on Tally`);
    const token = tokenIn(textPart(mail!.raw)!)!;
    expect(await checkInvitation(token)).toMatchObject({ ok: true, orgName: org.name, accountExists: false });
    const u = await acceptAsNewUser(token, { name: "New Person", password: "a-good-password" });
    expect(u).toMatchObject({ email, orgId: org.id, role: "member" });
    expect(await verifyPassword("a-good-password", u.passwordHash!)).toBe(true);
    await expect(acceptAsNewUser(token, { name: "Again", password: "a-good-password" })).rejects.toThrow(
      /already used/,
    );
    expect(await listPendingInvitations(org.id)).toHaveLength(0);
    useSmtp(false);
  });

  it("a member of another organization is refused, naming it, and stays where they are; another user cannot use the link", async () => {
    const { org, inviter } = await orgWithOwner();
    const other = await orgWithOwner();
    const member = await makeUser("member", other.org.id);
    await inviteMember(inviter, { email: member.email, role: "owner" });
    const token = await lastTokenFor(member.email);
    expect(await checkInvitation(token)).toMatchObject({ ok: true, accountExists: true });
    const stranger = await makeUser("member", other.org.id);
    await expect(acceptAsExistingUser(token, stranger)).rejects.toThrow(/is for/);
    await expect(acceptAsExistingUser(token, member)).rejects.toThrow(
      new RegExp(`You already belong to ${other.org.name}.*Ask an owner of ${other.org.name} to remove you first`),
    );
    const [after] = await db.select().from(users).where(eq(users.id, member.id));
    expect(after).toMatchObject({ orgId: other.org.id, role: "member" });
    expect((await checkInvitation(token)).ok).toBe(true); // not spent by the refusal
    expect(await db.select().from(users).where(eq(users.orgId, org.id))).toHaveLength(1);
  });

  it("removed from their organization, the same person accepts the invitation and keeps their account", async () => {
    const { org, inviter } = await orgWithOwner();
    const other = await orgWithOwner();
    const member = await makeUser("member", other.org.id);
    await inviteMember(inviter, { email: member.email, role: "member" });
    const token = await lastTokenFor(member.email);
    await removeMember(other.org.id, member.id);
    // The kept account cannot sign in to accept: the link takes a new name and password instead.
    expect(await checkInvitation(token)).toMatchObject({ ok: true, accountExists: false });
    const joined = await acceptAsNewUser(token, { name: "Back Again", password: "a-new-password" });
    expect(joined.id).toBe(member.id);
    const [after] = await db.select().from(users).where(eq(users.id, member.id));
    expect(after).toMatchObject({ orgId: org.id, role: "member", name: "Back Again", disabledAt: null });
    expect(await verifyPassword("a-new-password", after!.passwordHash!)).toBe(true);
  });

  it("an owner of another organization is refused the same way, even when not its last owner", async () => {
    const { inviter } = await orgWithOwner();
    const other = await orgWithOwner();
    await makeUser("owner", other.org.id);
    await inviteMember(inviter, { email: other.owner.email, role: "member" });
    const token = await lastTokenFor(other.owner.email);
    await expect(acceptAsExistingUser(token, other.owner)).rejects.toThrow(/already belong to/);
    const [after] = await db.select().from(users).where(eq(users.id, other.owner.id));
    expect(after).toMatchObject({ orgId: other.org.id, role: "owner" });
  });

  it("expired, revoked and replaced links are refused; a resent link works and the old one does not", async () => {
    const { org, inviter } = await orgWithOwner();
    const a = `a-${uid()}@example.test`;
    await inviteMember(inviter, { email: a, role: "member" });
    const first = await lastTokenFor(a);
    const later = new Date(Date.now() + INVITATION_TTL_MS + 1000);
    expect(await checkInvitation(first, later)).toEqual({ ok: false, reason: "expired" });
    await expect(acceptAsNewUser(first, { name: "A", password: "a-good-password" }, later)).rejects.toThrow(/expired/);

    const [pending] = await listPendingInvitations(org.id);
    await resendInvitation(inviter, pending!.id);
    const second = await lastTokenFor(a);
    expect(second).not.toBe(first);
    expect(await checkInvitation(first)).toEqual({ ok: false, reason: "invalid" });
    expect((await checkInvitation(second)).ok).toBe(true);

    await revokeInvitation(org.id, pending!.id);
    expect(await checkInvitation(second)).toEqual({ ok: false, reason: "used" });
    await expect(acceptAsNewUser(second, { name: "A", password: "a-good-password" })).rejects.toThrow(/revoked/);
    expect(await db.select().from(users).where(eq(users.email, a))).toHaveLength(0);

    await inviteMember(inviter, { email: a, role: "member" });
    const third = await lastTokenFor(a);
    await inviteMember(inviter, { email: a, role: "owner" }); // replaces the pending one
    expect(await checkInvitation(third)).toEqual({ ok: false, reason: "used" });
    expect(await listPendingInvitations(org.id)).toMatchObject([{ email: a, role: "owner" }]);
  });

  it("inviting someone already in the organization is refused, naming the field", async () => {
    const { org, inviter } = await orgWithOwner();
    const m = await makeUser("member", org.id);
    await expect(inviteMember(inviter, { email: m.email, role: "member" })).rejects.toMatchObject({
      code: "conflict",
      details: [{ field: "email" }],
    });
  });
});

describe("members", () => {
  it("owners change roles and remove members, never the last owner", async () => {
    const { org, owner } = await orgWithOwner();
    const m = await makeUser("member", org.id);
    await expect(changeMemberRole(org.id, owner.id, "member")).rejects.toThrow(/at least one owner/);
    await expect(removeMember(org.id, owner.id)).rejects.toThrow(/at least one owner/);
    await changeMemberRole(org.id, m.id, "owner");
    await changeMemberRole(org.id, owner.id, "member"); // another owner exists now
    await expect(removeMember(org.id, m.id)).rejects.toThrow(/at least one owner/);
    await removeMember(org.id, owner.id);
    expect(await db.select().from(users).where(eq(users.orgId, org.id))).toMatchObject([{ id: m.id, role: "owner" }]);
  });

  it("removing a member keeps the account and its history but detaches it: signed out, and no sign-in or reset link", async () => {
    const { org, owner } = await orgWithOwner();
    const m = await makeUser("member", org.id, await hashPassword("member-password"));
    const key = await createApiKey({ scope: "customer", orgId: org.id, name: "made by m", createdByUserId: m.id });
    const cookie = await sessionCookie(m.id);
    expect(await userFromRequest(new Request("http://x/", { headers: { cookie } }))).toMatchObject({ id: m.id });
    expect(await authorizeCredentials({ email: m.email, password: "member-password" }, new Headers())).toMatchObject({
      id: m.id,
    });
    await removeMember(org.id, m.id);
    const [kept] = await db.select().from(users).where(eq(users.id, m.id));
    expect(kept).toMatchObject({ orgId: null, email: m.email });
    expect(kept!.disabledAt).toBeInstanceOf(Date);
    // What the person did still names them.
    const [k] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.apiKey.id));
    expect(k!.createdByUserId).toBe(m.id);
    expect(await userFromRequest(new Request("http://x/", { headers: { cookie } }))).toBeNull();
    expect(
      await userFromRequest(
        new Request("http://x/", { headers: { cookie: await sessionCookie(m.id, kept!.sessionVersion) } }),
      ),
    ).toBeNull();
    expect(await authorizeCredentials({ email: m.email, password: "member-password" }, new Headers())).toBeNull();
    await requestPasswordReset(m.email, null);
    expect(await db.select().from(emails).where(eq(emails.to, m.email))).toHaveLength(0);
    expect(await db.select().from(users).where(eq(users.orgId, org.id))).toMatchObject([{ id: owner.id }]);
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const { org, owner } = await orgWithOwner();
    const second = await makeUser("owner", org.id);
    const results = await Promise.allSettled([
      changeMemberRole(org.id, owner.id, "member"),
      changeMemberRole(org.id, second.id, "member"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await db.select().from(users).where(eq(users.orgId, org.id));
    expect(owners.filter((u) => u.role === "owner")).toHaveLength(1);
  });

  it("an owner of one organization cannot touch another's members or invitations", async () => {
    const a = await orgWithOwner();
    const b = await orgWithOwner();
    const bMember = await makeUser("member", b.org.id);
    await inviteMember(b.inviter, { email: `x-${uid()}@example.test`, role: "member" });
    const [bInvite] = await listPendingInvitations(b.org.id);
    await expect(changeMemberRole(a.org.id, bMember.id, "owner")).rejects.toMatchObject({ code: "not_found" });
    await expect(removeMember(a.org.id, bMember.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeInvitation(a.org.id, bInvite!.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(resendInvitation(a.inviter, bInvite!.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await listPendingInvitations(a.org.id)).toHaveLength(0);
    const [still] = await db.select().from(users).where(eq(users.id, bMember.id));
    expect(still).toMatchObject({ orgId: b.org.id, role: "member" });
  });
});
