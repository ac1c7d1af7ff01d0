import type { Metadata } from "next";
import Link from "next/link";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { currentUser } from "@/lib/auth/session";
import { checkInvitation, joinRefusal } from "@/lib/orgs/invitations";
import { signOutAction } from "../actions";
import { AcceptInvitationForm, JoinForm } from "./accept-forms";

export const metadata: Metadata = { title: "Accept an invitation" };

const GONE = {
  invalid: "This invitation link is not valid. It may have been replaced by a newer invitation: use the newest email.",
  expired: "This invitation has expired. Ask an owner of the organization to send it again.",
  used: "This invitation was already used or was revoked. Sign in if you already joined, or ask an owner to invite you again.",
};

export default async function InvitePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const [check, user] = await Promise.all([checkInvitation(token), currentUser()]);
  if (!check.ok)
    return (
      <>
        <h1 className="text-xl font-semibold text-zinc-900">This invitation can&apos;t be used</h1>
        <p className="mt-2 text-sm text-zinc-600">{GONE[check.reason]}</p>
        <Link href="/sign-in" className="mt-6 inline-block font-medium text-brand-600 hover:text-brand-700">
          Go to sign in
        </Link>
      </>
    );
  const { invitation: inv, orgName } = check;
  const role = inv.role === "owner" ? "an owner" : "a member";
  const self = `/invite?token=${encodeURIComponent(token!)}`;
  const refusal = user && user.email === inv.email ? await joinRefusal(user, inv.orgId) : null;
  return (
    <>
      <h1 className="break-words text-xl font-semibold text-zinc-900">Join {orgName}</h1>
      <p className="mt-1 break-words text-sm text-zinc-500">
        You are invited as {role}, with the email {inv.email}.
      </p>
      {user ? (
        refusal ? (
          <p
            role="alert"
            className="mt-6 break-words rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          >
            {refusal}
          </p>
        ) : user.email === inv.email ? (
          <JoinForm token={token!} orgName={orgName} />
        ) : (
          <div className="mt-6 space-y-4">
            <p className="break-words rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
              You are signed in as {user.email}. Sign out, then open this link again to accept as {inv.email}.
            </p>
            <form action={signOutAction}>
              <button type="submit" className="font-medium text-brand-600 hover:text-brand-700">
                Sign out
              </button>
            </form>
          </div>
        )
      ) : check.accountExists ? (
        <div className="mt-6 space-y-3 text-sm text-zinc-600">
          <p>An account with this email exists: sign in to accept.</p>
          <Link
            href={`/sign-in?callbackUrl=${encodeURIComponent(self)}`}
            className="inline-block font-medium text-brand-600 hover:text-brand-700"
          >
            Sign in to accept
          </Link>
        </div>
      ) : (
        <AcceptInvitationForm token={token!} email={inv.email} minLength={MIN_PASSWORD_LENGTH} />
      )}
    </>
  );
}
