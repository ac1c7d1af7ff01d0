import type { Metadata } from "next";
import Link from "next/link";
import { PricingView, type PricingAudience } from "@/components/pricing/pricing-view";
import { Logo } from "@/components/shell/logo";
import { buttonClass } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { publicPlans } from "@/lib/catalog/public-plans";

export const metadata: Metadata = {
  title: "Pricing",
  description: "Plans, prices and what each one includes.",
};

/** The public pricing page: no sign-in; the plans on sale (the same data as GET /api/v1/public/plans). */
export default async function PricingPage() {
  const [user, plans] = await Promise.all([currentUser(), publicPlans()]);
  const audience: PricingAudience = !user ? "visitor" : user.role === "admin" ? "admin" : "customer";
  return (
    <div className="min-h-screen bg-gradient-to-b from-brand-50 to-zinc-50">
      <header className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-5">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-zinc-900">
          <Logo size={28} />
          Tally
        </Link>
        {user ? (
          <Link href={audience === "admin" ? "/admin" : "/billing"} className={buttonClass("secondary", "sm")}>
            {audience === "admin" ? "Admin" : "Your billing"}
          </Link>
        ) : (
          <Link href="/sign-in" className={buttonClass("secondary", "sm")}>
            Sign in
          </Link>
        )}
      </header>
      <main className="mx-auto max-w-6xl px-4 pt-6 pb-16">
        <h1 className="text-center text-3xl font-semibold tracking-tight text-zinc-900">Pricing</h1>
        <p className="mx-auto mt-2 max-w-xl text-center text-zinc-600">
          Pay for what you use, with the features your team needs. Change or cancel your plan any time.
        </p>
        <PricingView plans={plans} audience={audience} />
      </main>
    </div>
  );
}
