import type { Metadata } from "next";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { kindsFor } from "@/lib/email/kinds";
import { optedOutKinds } from "@/lib/email/notify";
import { NotificationForm } from "./notification-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireCustomer();
  const off = new Set(await optedOutKinds(db, user.id));
  const kinds = kindsFor(user.role).map((k) => ({ type: k.type, label: k.label, on: !off.has(k.type) }));
  return (
    <>
      <PageHeader title="Account" description="Who you are on Tally and which emails you receive." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="You" />
          <CardBody>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-zinc-500">Name</dt>
              <dd className="min-w-0 break-words text-zinc-900">{user.name}</dd>
              <dt className="text-zinc-500">Email</dt>
              <dd className="min-w-0 break-words text-zinc-900">{user.email}</dd>
              <dt className="text-zinc-500">Role</dt>
              <dd className="text-zinc-900">{user.role === "owner" ? "Owner" : "Member"}</dd>
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Email notifications"
            description={
              user.role === "owner"
                ? "As an owner you are told about billing and usage. Uncheck what you don't want."
                : "As a member you are told when usage nears a limit. Owners receive the billing emails."
            }
          />
          <CardBody>
            <NotificationForm kinds={kinds} />
            <p className="mt-4 text-xs text-zinc-500">
              Invitations and password-reset emails are always sent: they are how you get into your account.
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
