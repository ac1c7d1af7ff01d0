import type { Metadata } from "next";
import Link from "next/link";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { checkResetToken } from "@/lib/auth/password-reset";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const check = await checkResetToken(token);
  if (!check.ok)
    return (
      <>
        <h1 className="text-xl font-semibold text-zinc-900">This link no longer works</h1>
        <p className="mt-2 text-sm text-zinc-600">
          A password-reset link works once, within an hour of being sent. Ask for a new one and use the newest email.
        </p>
        <Link href="/forgot-password" className="mt-6 inline-block font-medium text-brand-600 hover:text-brand-700">
          Send a new link
        </Link>
      </>
    );
  return (
    <>
      <h1 className="text-xl font-semibold text-zinc-900">Choose a new password</h1>
      <p className="mt-1 break-words text-sm text-zinc-500">For {check.email}.</p>
      <ResetPasswordForm token={token!} minLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
