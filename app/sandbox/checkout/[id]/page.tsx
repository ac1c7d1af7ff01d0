import { formatMoney } from "@/lib/format";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SandboxPayForm } from "@/components/billing/sandbox-pay-form";
import { Card, CardBody } from "@/components/ui/card";
import { requireOwner } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { checkoutSummary } from "@/lib/payments/checkout-summary";
import { cancelSandboxCheckout, paySandboxCheckout } from "../../actions";

export const metadata: Metadata = { title: "Checkout (sandbox)" };

export default async function SandboxCheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const owner = await requireOwner();
  const { id } = await params;
  const c = await checkoutSummary(owner.orgId, id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const closed = c.session.status !== "open" || c.session.expiresAt < new Date();
  return (
    <Card>
      <CardBody className="space-y-6 py-6">
        <div>
          <p className="text-sm text-zinc-500">{c.orgName}</p>
          <h1 className="mt-1 text-xl font-semibold text-zinc-900">{c.title}</h1>
          <p className="mt-1 text-sm text-zinc-600">{c.detail}</p>
          <p className="tabular mt-4 text-3xl font-semibold text-zinc-900">
            {formatMoney(c.session.amountCents, c.session.currency)}
            <span className="ml-1 text-sm font-normal text-zinc-500">{c.dueLabel}</span>
          </p>
        </div>
        <p
          data-testid="test-payment"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
        >
          <strong>This is a test payment.</strong> No card is charged and no money moves: what you buy here works, but
          it is recorded as test money and never counts as revenue.
        </p>
        {closed ? (
          <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700">
            This checkout is {c.session.status === "complete" ? "already paid" : "no longer open"}.{" "}
            <Link href="/billing" className="font-medium text-brand-600">
              Back to billing
            </Link>
          </p>
        ) : (
          <SandboxPayForm
            session={c.session.id}
            label={
              c.session.amountCents > 0
                ? `Pay ${formatMoney(c.session.amountCents, c.session.currency)}`
                : "Start trial"
            }
            payAction={paySandboxCheckout}
            cancelAction={cancelSandboxCheckout}
          />
        )}
      </CardBody>
    </Card>
  );
}
