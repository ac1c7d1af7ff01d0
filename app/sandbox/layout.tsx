import { notFound } from "next/navigation";
import { Logo } from "@/components/shell/logo";
import { paymentRail } from "@/lib/payments/provider";

/** The local payment sandbox stands in for Stripe's hosted pages in test mode: its own frame, clearly labelled. */
export default function SandboxLayout({ children }: { children: React.ReactNode }) {
  if (paymentRail() !== "sandbox") notFound();
  return (
    <div className="min-h-screen bg-zinc-100">
      <header className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
        <strong>Test mode</strong> — Tally&apos;s payment sandbox. No real card is charged and no real money moves; use
        4242 4242 4242 4242 to pay, 4000 0000 0000 0002 to be declined.
      </header>
      <main className="mx-auto max-w-lg px-4 py-10">
        <div className="mb-6 flex items-center gap-2 font-semibold text-zinc-900">
          <Logo size={24} /> Tally sandbox payments
        </div>
        {children}
      </main>
    </div>
  );
}
