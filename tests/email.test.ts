// Email: notifications come from the outbound event stream and reach a real SMTP server on loopback with
// the right recipients, subject, link and a plain-text part; without SMTP they are kept for the admin's
// mailbox; opt-outs are respected; a refused send is retried and the message arrives once. Password
// reset: a single-use, expiring link that never tells whether the email has an account.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { requestPasswordReset, resetPassword, RESET_TTL_MS } from "@/lib/auth/password-reset";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db } from "@/lib/db/client";
import { emails, users } from "@/lib/db/schema";
import { setOptOuts } from "@/lib/email/notify";
import { listEmails, sendDueEmails } from "@/lib/email/outbox";
import { resetEnvCache } from "@/lib/env";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { call, makeOrg, makeUser, sessionCookie, uid } from "./support/fixtures";
import * as customer from "@/app/api/v1/customers/[id]/route";
import { userFromRequest } from "@/lib/auth/request-user";
import { decodeQuotedPrintable, headerOf, startSmtp, textPart, type SmtpSink } from "./support/smtp";

let smtp: SmtpSink;
const useSmtp = (on: boolean) => {
  if (on) process.env.SMTP_URL = smtp.url;
  else delete process.env.SMTP_URL;
  process.env.EMAIL_FROM = "Tally Billing <billing@tally.test>";
  resetEnvCache();
};

beforeAll(async () => {
  smtp = await startSmtp();
}, 60_000);
afterAll(async () => {
  useSmtp(false);
  await smtp?.close();
});
afterEach(() => useSmtp(false));

const later = () => new Date(Date.now() + 10 * 3600_000);
const mailTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));
const rowsFor = (orgId: string) => db.select().from(emails).where(eq(emails.orgId, orgId));

async function team() {
  const org = await makeOrg();
  const owner = await makeUser("owner", org.id);
  const member = await makeUser("member", org.id);
  return { org, owner, member };
}

const usageAlert = (orgId: string) =>
  db.transaction((tx) =>
    emitWebhookEvent(tx, {
      orgId,
      type: "usage.alert",
      data: { customer_id: orgId, kind: "usage_limit", threshold: 80, message: "API calls are at 80 % of 1,000." },
    }),
  );

describe("notification emails over SMTP", () => {
  it("credits granted reach the owner (not the member) over SMTP, with subject, link and a text part", async () => {
    useSmtp(true);
    const { org, owner, member } = await team();
    await grantCredits(org.id, {
      amount: 500,
      source: "promotional",
      expiresAt: null,
      reason: "Welcome credits",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
    expect(await sendDueEmails(later())).toBeGreaterThanOrEqual(1);
    const [mail, ...more] = mailTo(owner.email);
    expect(more).toHaveLength(0);
    expect(mailTo(member.email)).toHaveLength(0);
    expect(mail!.to).toEqual([owner.email]);
    expect(mail!.from).toBe("billing@tally.test");
    expect(headerOf(mail!.raw, "Subject")).toBe(`500 credits added to ${org.name}`);
    const text = textPart(mail!.raw);
    expect(text).toContain("Welcome credits");
    expect(text).toMatch(/See credits: http:\/\/localhost:\d+\/credits/);
    expect(decodeQuotedPrintable(mail!.raw)).toContain('href="http://localhost');
    const [row] = await rowsFor(org.id);
    expect(row).toMatchObject({ status: "sent", attempts: 1, kind: "credits.granted" });
  });

  it("a usage alert reaches owners and members; a member who opted out gets nothing", async () => {
    useSmtp(true);
    const { org, owner, member } = await team();
    const other = await makeUser("member", org.id);
    await setOptOuts(db, other.id, ["usage.alert"]);
    await usageAlert(org.id);
    await sendDueEmails(later());
    expect(mailTo(owner.email)).toHaveLength(1);
    expect(mailTo(member.email)).toHaveLength(1);
    expect(mailTo(other.email)).toHaveLength(0);
    expect(headerOf(mailTo(member.email)[0]!.raw, "Subject")).toContain("80");
  });

  it("an owner who opted out of a billing kind is not emailed it", async () => {
    useSmtp(true);
    const { org, owner } = await team();
    await setOptOuts(db, owner.id, ["credits.granted", "not-a-kind"]);
    await grantCredits(org.id, {
      amount: 5,
      source: "promotional",
      expiresAt: null,
      reason: "x",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
    await sendDueEmails(later());
    expect(mailTo(owner.email)).toHaveLength(0);
    expect(await rowsFor(org.id)).toHaveLength(0);
  });

  it("a change that rolls back queues no email", async () => {
    useSmtp(true);
    const { org } = await team();
    await expect(
      db.transaction(async (tx) => {
        await emitWebhookEvent(tx, { orgId: org.id, type: "usage.alert", data: { threshold: 100 } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await rowsFor(org.id)).toHaveLength(0);
  });

  it("a temporary refusal is retried with backoff and the message arrives once", async () => {
    useSmtp(true);
    const { org, owner } = await team();
    await sendDueEmails(later()); // what earlier tests left due goes first, so the refusals meet this alert
    await usageAlert(org.id);
    // The alert goes to the owner and the member: both are refused once, whichever is sent first.
    smtp.refuseNext(2);
    const now = new Date();
    await sendDueEmails(now);
    const ownerRow = async () => (await rowsFor(org.id)).find((r) => r.to === owner.email);
    const waiting = await ownerRow();
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    expect(waiting!.lastError).toContain("451");
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 29_000);
    await sendDueEmails(now); // not due yet: nothing is sent
    expect(mailTo(owner.email)).toHaveLength(0);
    await sendDueEmails(later());
    await sendDueEmails(later()); // already sent: not sent again
    expect(mailTo(owner.email)).toHaveLength(1);
    expect(await ownerRow()).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("without SMTP", () => {
  it("every email is kept for the admin's mailbox and nothing is sent", async () => {
    useSmtp(false);
    const { org, owner, member } = await team();
    const before = smtp.received.length;
    await usageAlert(org.id);
    expect(await sendDueEmails(later())).toBe(0);
    expect(smtp.received.length).toBe(before);
    const rows = await rowsFor(org.id);
    expect(rows.map((r) => r.to).sort()).toEqual([owner.email, member.email].sort());
    expect(rows.every((r) => r.status === "stored" && r.text.length > 0 && r.html.includes("<table"))).toBe(true);
    const box = await listEmails({ limit: 500 });
    expect(box.filter((m) => m.to === owner.email)).toHaveLength(1);
  });

  it("templates escape what they show", async () => {
    useSmtp(false);
    const org = await makeOrg(`<script>alert(1)</script> ${uid()}`);
    await makeUser("owner", org.id);
    await usageAlert(org.id);
    const [row] = await rowsFor(org.id);
    expect(row!.html).not.toContain("<script>");
    expect(row!.html).toContain("&lt;script&gt;");
  });
});

describe("password reset", () => {
  async function userWithPassword(password = "old-password") {
    const org = await makeOrg();
    const u = await makeUser("owner", org.id, await hashPassword(password));
    return u;
  }
  const linkIn = (text: string) => /(http:\/\/\S+\/reset-password\?token=\S+)/.exec(text)?.[1] ?? null;
  const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;

  it("an email with a single-use link sets the new password; the link then stops working", async () => {
    useSmtp(true);
    const u = await userWithPassword();
    const verdict = await requestPasswordReset(u.email.toUpperCase(), null);
    expect(verdict.allowed).toBe(true);
    await sendDueEmails(later());
    const [mail] = mailTo(u.email);
    expect(headerOf(mail!.raw, "Subject")).toBe("Reset your Tally password");
    const url = linkIn(textPart(mail!.raw)!);
    expect(url).not.toBeNull();
    expect(await resetPassword(tokenOf(url!), "brand-new-password")).toBe(true);
    const [after] = await db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword("brand-new-password", after!.passwordHash!)).toBe(true);
    expect(await resetPassword(tokenOf(url!), "another-password")).toBe(false);
    const [still] = await db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword("brand-new-password", still!.passwordHash!)).toBe(true);
  });

  it("signs the user out everywhere: a session cookie from before the reset is refused, one from after works", async () => {
    useSmtp(false);
    const u = await userWithPassword();
    const before = await sessionCookie(u.id);
    const read = (cookie: string) =>
      call(customer.GET, "GET", `/api/v1/customers/${u.orgId}`, { cookie, params: { id: u.orgId! } });
    expect((await read(before)).status).toBe(200);
    await requestPasswordReset(u.email, null);
    const [row] = await db.select().from(emails).where(eq(emails.to, u.email));
    expect(await resetPassword(tokenOf(linkIn(row!.text)!), "brand-new-password")).toBe(true);
    expect((await read(before)).status).toBe(401);
    expect(await userFromRequest(new Request("http://x/", { headers: { cookie: before } }))).toBeNull();
    const [after] = await db.select().from(users).where(eq(users.id, u.id));
    const signedInAgain = await sessionCookie(u.id, after!.sessionVersion);
    expect((await read(signedInAgain)).status).toBe(200);
  });

  it("a link past its hour, or tampered with, is refused", async () => {
    useSmtp(false);
    const u = await userWithPassword();
    await requestPasswordReset(u.email, null);
    const [row] = await db.select().from(emails).where(eq(emails.to, u.email));
    const token = tokenOf(linkIn(row!.text)!);
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await resetPassword(tampered, "brand-new-password")).toBe(false);
    expect(await resetPassword(token, "brand-new-password", new Date(Date.now() + RESET_TTL_MS + 1000))).toBe(false);
    expect(await resetPassword(token, "brand-new-password")).toBe(true);
  });

  it("an unknown email gets the same answer and no email; requests are throttled per email", async () => {
    useSmtp(false);
    const unknown = `nobody-${uid()}@example.test`;
    expect(await requestPasswordReset(unknown, null)).toEqual({ allowed: true });
    expect(await db.select().from(emails).where(eq(emails.to, unknown))).toHaveLength(0);
    const u = await userWithPassword();
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push((await requestPasswordReset(u.email, null)).allowed);
    expect(verdicts.filter((v) => v)).toHaveLength(5);
    expect(await db.select().from(emails).where(eq(emails.to, u.email))).toHaveLength(5);
  });
});
