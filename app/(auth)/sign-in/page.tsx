import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { oauthProviders } from "@/lib/auth/config";
import { currentUser } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Why a sign-in came back refused, by the code Auth.js or lib/auth/oauth.ts put in the URL. */
function refusal(error: string | undefined, code: string | undefined): string | undefined {
  if (!error) return undefined;
  if (code === "rate_limited") return "Too many failed sign-ins. Try again later.";
  if (code === "unverified_email")
    return "GitHub or Google has not verified the email address of that account. Verify it there, then try again.";
  if (code === "no_email") return "That GitHub or Google account shares no email address with Tally.";
  if (code === "operator_account") return "This account signs in with its email and password.";
  if (code === "account_disabled")
    return "This account was removed from its organization. Ask an owner to invite you again to sign back in.";
  return "Sign-in failed. Try again.";
}

const NOTICES: Record<string, string> = {
  "account-ready": "If this email can be used, your account is ready — sign in.",
  "password-reset": "Your new password is set — sign in with it.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string; code?: string; notice?: string }>;
}) {
  if (await currentUser()) redirect("/");
  const params = await searchParams;
  return (
    <>
      <h1 className="text-xl font-semibold text-zinc-900">Sign in to Tally</h1>
      <p className="mt-1 text-sm text-zinc-500">Usage, credits and billing in one place.</p>
      <SignInForm
        callbackUrl={params.callbackUrl ?? "/"}
        providers={oauthProviders()}
        initialError={refusal(params.error, params.code)}
        notice={params.notice ? NOTICES[params.notice] : undefined}
      />
      <p className="mt-6 text-center text-sm text-zinc-500">
        New to Tally?{" "}
        <Link href="/sign-up" className="font-medium text-brand-600 hover:text-brand-700">
          Create an account
        </Link>
      </p>
    </>
  );
}
