import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getEmail, listEmails, smtpConfigured } from "@/lib/email/outbox";

export const metadata: Metadata = { title: "Mail" };

const TONE = { sent: "green", stored: "blue", pending: "amber", failed: "red" } as const;
const STATUS_LABEL = { sent: "sent", stored: "in mailbox", pending: "sending", failed: "failed" } as const;

export default async function MailPage({ searchParams }: { searchParams: Promise<{ id?: string }> }) {
  await requireAdmin();
  const { id } = await searchParams;
  const [messages, open] = await Promise.all([listEmails({ limit: 100 }), id ? getEmail(id) : null]);
  return (
    <>
      <PageHeader
        title="Mail"
        description={
          smtpConfigured()
            ? "Every email Tally sends (notifications, invitations, password resets), with its delivery status. SMTP_URL is set: they go out through it."
            : "SMTP_URL is not set, so no email leaves Tally: each one is kept here instead. Open a message to read it and follow its links."
        }
      />
      {id && !open && (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
          No message {id}. Pick one from the list.
        </p>
      )}
      {open && (
        <Card className="mb-6" aria-labelledby="message-subject">
          <div className="border-b border-zinc-100 px-5 py-4">
            <h2 id="message-subject" className="break-words text-base font-semibold text-zinc-900">
              {open.subject}
            </h2>
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-zinc-500">From</dt>
              <dd className="min-w-0 break-words text-zinc-900">{open.from}</dd>
              <dt className="text-zinc-500">To</dt>
              <dd className="min-w-0 break-words text-zinc-900">{open.to}</dd>
              <dt className="text-zinc-500">Date</dt>
              <dd className="text-zinc-900">
                <LocalTime value={open.createdAt} />
              </dd>
              <dt className="text-zinc-500">Status</dt>
              <dd>
                <Badge tone={TONE[open.status]}>{STATUS_LABEL[open.status]}</Badge>
                {open.lastError && <span className="ml-2 text-xs text-red-600">{open.lastError}</span>}
              </dd>
            </dl>
          </div>
          <div className="px-2 py-2 sm:px-5 sm:py-4">
            <h3 className="sr-only">HTML part</h3>
            {/* The message's own HTML, in a sandbox: no script runs, no form submits, links open in a new tab. */}
            <iframe
              title={`HTML part of “${open.subject}”`}
              sandbox="allow-popups allow-popups-to-escape-sandbox"
              srcDoc={open.html.replace("<head>", '<head><base target="_blank">')}
              className="h-[560px] w-full rounded-md border border-zinc-200 bg-white"
            />
          </div>
          <details className="border-t border-zinc-100 px-5 py-4">
            <summary className="cursor-pointer text-sm font-medium text-zinc-700">Plain-text part</summary>
            <pre className="mt-3 whitespace-pre-wrap break-words font-mono text-xs text-zinc-800">{open.text}</pre>
          </details>
        </Card>
      )}
      <Card>
        <CardHeader title="Messages" description="The newest 100." />
        {messages.length === 0 ? (
          <EmptyState title="No email yet">
            Emails appear here when a notification, an invitation or a password reset is sent.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {messages.map((m) => (
              <li key={m.id} className={m.id === open?.id ? "bg-brand-50" : undefined}>
                <Link
                  href={`/admin/mail?id=${m.id}`}
                  aria-current={m.id === open?.id ? "true" : undefined}
                  className="block px-5 py-3 hover:bg-zinc-50 focus-visible:bg-zinc-50"
                >
                  <span className="flex flex-wrap items-baseline justify-between gap-x-3">
                    <span className="min-w-0 break-words text-sm font-medium text-brand-700">{m.subject}</span>
                    <span className="text-xs text-zinc-500">
                      <LocalTime value={m.createdAt} />
                    </span>
                  </span>
                  <span className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-zinc-600">
                    <span className="break-all">To {m.to}</span>
                    <span className="font-mono text-zinc-500">{m.kind}</span>
                    <Badge tone={TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
