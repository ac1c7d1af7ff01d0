// The email outbox. queueEmail writes the message on the caller's executor — inside the transaction of
// the change that causes it, so an email is never sent for a rolled-back change nor lost for a committed
// one. With SMTP_URL set, the email job claims pending messages (FOR UPDATE SKIP LOCKED with a lease),
// sends them outside any transaction and marks them sent; a failure is retried with exponential backoff
// (30 s, 1 min, 2 min … capped at 1 h) up to MAX_ATTEMPTS, then the message is "failed" and stays in
// the admin's mailbox. Without SMTP_URL the message is written "stored": the admin's mailbox
// (/admin/mail) shows it, and nothing is lost. Every message carries a Message-ID made from its id, so
// a resend after a crash between sending and recording is recognisable as the same message.
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { db, outsideTransaction, type Executor } from "@/lib/db/client";
import { emails, type Email, type EmailStatus } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";
import type { RenderedEmail } from "./templates";

export const MAX_ATTEMPTS = 10;
const LEASE_MS = 2 * 60_000;
const SEND_TIMEOUT_MS = 20_000;
/** Seconds to wait after the `attempts`-th failed attempt: 30 s × 2^(n−1), at most an hour. */
export const emailRetrySeconds = (attempts: number) => Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));

export type EmailInput = RenderedEmail & {
  kind: string;
  to: string;
  orgId?: string | null;
  userId?: string | null;
  sourceEventId?: string | null;
};

export const smtpConfigured = () => env().SMTP_URL !== undefined;

export async function queueEmails(tx: Executor, messages: EmailInput[]): Promise<void> {
  if (messages.length === 0) return;
  const status: EmailStatus = smtpConfigured() ? "pending" : "stored";
  const from = env().EMAIL_FROM;
  await tx
    .insert(emails)
    .values(
      messages.map((m) => ({
        id: newId("eml"),
        kind: m.kind,
        orgId: m.orgId ?? null,
        userId: m.userId ?? null,
        to: m.to,
        from,
        subject: m.subject,
        html: m.html,
        text: m.text,
        sourceEventId: m.sourceEventId ?? null,
        status,
      })),
    )
    .onConflictDoNothing();
  if (status === "pending") kickEmails();
}

export const queueEmail = (tx: Executor, m: EmailInput) => queueEmails(tx, [m]);

const transportState = processState("email.transport", () => ({
  url: undefined as string | undefined,
  transporter: undefined as Transporter | undefined,
}));

function transporter(): Transporter {
  const url = env().SMTP_URL!;
  if (transportState.url !== url || !transportState.transporter) {
    transportState.transporter?.close();
    transportState.transporter = nodemailer.createTransport(url, {
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
    transportState.url = url;
  }
  return transportState.transporter;
}

const messageIdOf = (e: Email) => {
  const host = (env().EMAIL_FROM.match(/@([^>\s]+)/)?.[1] ?? "tally.local").toLowerCase();
  return `<${e.id}@${host}>`;
};

async function claim(now: Date, limit: number): Promise<Email[]> {
  const due = db
    .select({ id: emails.id })
    .from(emails)
    .where(
      and(
        eq(emails.status, "pending"),
        lte(emails.nextAttemptAt, now),
        or(isNull(emails.lockedUntil), lt(emails.lockedUntil, now)),
      ),
    )
    .orderBy(asc(emails.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(emails)
    .set({ attempts: sql`${emails.attempts} + 1`, lockedUntil: new Date(now.getTime() + LEASE_MS) })
    .where(inArray(emails.id, due))
    .returning();
}

async function sendOne(e: Email): Promise<void> {
  try {
    await transporter().sendMail({
      from: e.from,
      to: e.to,
      subject: e.subject,
      html: e.html,
      text: e.text,
      messageId: messageIdOf(e),
    });
    await db
      .update(emails)
      .set({ status: "sent", sentAt: new Date(), lockedUntil: null, lastError: null })
      .where(eq(emails.id, e.id));
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    // 5xx from the server: the address or message is refused for good.
    const code = (err as { responseCode?: number }).responseCode;
    const giveUp = e.attempts >= MAX_ATTEMPTS || (code !== undefined && code >= 500);
    const next = new Date(Date.now() + emailRetrySeconds(e.attempts) * 1000);
    await db
      .update(emails)
      .set({ status: giveUp ? "failed" : "pending", nextAttemptAt: next, lockedUntil: null, lastError: message })
      .where(eq(emails.id, e.id));
    (giveUp ? log.error : log.warn).call(
      log,
      { email_id: e.id, kind: e.kind, attempts: e.attempts, err: message },
      giveUp ? "email given up" : "email will be retried",
    );
  }
}

/** Sends every due email (SMTP configured); returns how many were tried. */
export async function sendDueEmails(now = new Date(), batch = 20): Promise<number> {
  if (!smtpConfigured()) return 0;
  let tried = 0;
  for (;;) {
    const claimed = await claim(now, batch);
    for (const e of claimed) await sendOne(e);
    tried += claimed.length;
    if (claimed.length < batch) break;
  }
  return tried;
}

const kick = processState("email.kick", () => ({ timer: undefined as NodeJS.Timeout | undefined }));
/** Sends soon after a queueing transaction commits; the job's poll sends the same messages otherwise. */
export function kickEmails() {
  if (kick.timer || env().NODE_ENV === "test") return;
  kick.timer = outsideTransaction(() =>
    setTimeout(() => {
      kick.timer = undefined;
      sendDueEmails().catch((err) => log.warn({ err }, "email run failed; the poll retries it"));
    }, 200),
  );
  kick.timer.unref();
}

export const emailJob = { name: "email", everyMs: 5_000, run: (now: Date) => sendDueEmails(now) };

export type MailboxRow = Pick<Email, "id" | "kind" | "to" | "subject" | "status" | "createdAt" | "sentAt" | "attempts">;

/** The admin's mailbox, newest first. */
export async function listEmails(opts: { limit?: number } = {}): Promise<MailboxRow[]> {
  return db
    .select({
      id: emails.id,
      kind: emails.kind,
      to: emails.to,
      subject: emails.subject,
      status: emails.status,
      createdAt: emails.createdAt,
      sentAt: emails.sentAt,
      attempts: emails.attempts,
    })
    .from(emails)
    .orderBy(desc(emails.createdAt), desc(emails.id))
    .limit(opts.limit ?? 100);
}

export async function getEmail(id: string): Promise<Email | null> {
  const [e] = await db.select().from(emails).where(eq(emails.id, id));
  return e ?? null;
}
