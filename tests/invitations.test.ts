// Team invitations: the email arrives over SMTP with a working link; a new person signs up through it and
// an existing one joins; expired, revoked, replaced and used links are refused; the last owner is protected;
// an owner of one organization cannot reach another's members or invitations.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { emails, users } from "@/lib/db/schema";
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
import { makeOrg, makeUser, uid } from "./support/fixtures";
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

  it("an existing user with the invited email joins; another user cannot use the link", async () => {
    const { org, inviter } = await orgWithOwner();
    const other = await orgWithOwner();
    const member = await makeUser("member", other.org.id);
    await inviteMember(inviter, { email: member.email, role: "owner" });
    const token = await lastTokenFor(member.email);
    expect(await checkInvitation(token)).toMatchObject({ ok: true, accountExists: true });
    const stranger = await makeUser("member", other.org.id);
    await expect(acceptAsExistingUser(token, stranger)).rejects.toThrow(/is for/);
    await acceptAsExistingUser(token, member);
    const [after] = await db.select().from(users).where(eq(users.id, member.id));
    expect(after).toMatchObject({ orgId: org.id, role: "owner" });
  });

  it("the last owner of another organization must hand it over before joining", async () => {
    const { inviter } = await orgWithOwner();
    const other = await orgWithOwner();
    await inviteMember(inviter, { email: other.owner.email, role: "member" });
    const token = await lastTokenFor(other.owner.email);
    await expect(acceptAsExistingUser(token, other.owner)).rejects.toThrow(/only owner/);
    expect((await checkInvitation(token)).ok).toBe(true); // not spent by the refusal
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
