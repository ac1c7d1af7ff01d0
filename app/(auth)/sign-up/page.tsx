import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { SignUpForm } from "./sign-up-form";

/** A plan code as the pricing page links it (lib/catalog/schemas.ts ZCode). */
const PLAN_CODE = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ plan?: string }> }) {
  if (await currentUser()) redirect("/");
  const { plan } = await searchParams;
  const chosen = plan && PLAN_CODE.test(plan) ? plan : null;
  return (
    <>
      <h1 className="text-xl font-semibold text-zinc-900">Create your organization</h1>
      <p className="mt-1 text-sm text-zinc-500">
        You will be its owner and can invite your team from the Team page. Invited to a team already? Open the link in
        your invitation email instead.
      </p>
      {chosen && (
        <p className="mt-3 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-800" data-testid="chosen-plan">
          After you sign in, your billing page opens to start the plan you chose.
        </p>
      )}
      <SignUpForm plan={chosen} />
      <p className="mt-6 text-center text-sm text-zinc-500">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-brand-600 hover:text-brand-700">
          Sign in
        </Link>
      </p>
    </>
  );
}
