import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { oauthProviders } from "@/lib/auth/config";
import { currentUser } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string; code?: string }> }) {
  if (await currentUser()) redirect("/");
  const params = await searchParams;
  return (
    <>
      <h1 className="text-xl font-semibold text-zinc-900">Sign in to Tally</h1>
      <p className="mt-1 text-sm text-zinc-500">Usage, credits and billing in one place.</p>
      <SignInForm callbackUrl={params.callbackUrl ?? "/"} providers={oauthProviders()} initialError={params.error ? (params.code === "rate_limited" ? "Too many failed sign-ins. Try again later." : "Sign-in failed. Try again.") : undefined} />
      <p className="mt-6 text-center text-sm text-zinc-500">
        New to Tally?{" "}
        <Link href="/sign-up" className="font-medium text-brand-600 hover:text-brand-700">
          Create an account
        </Link>
      </p>
    </>
  );
}
