import type { Metadata } from "next";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { listMembers } from "@/lib/auth/users";
import { listPendingInvitations } from "@/lib/orgs/invitations";
import { changeRoleAction, removeMemberAction, resendInvitationAction, revokeInvitationAction } from "./actions";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const user = await requireCustomer();
  const isOwner = user.role === "owner";
  const [members, invites] = await Promise.all([
    listMembers(user.orgId),
    isOwner ? listPendingInvitations(user.orgId) : Promise.resolve([]),
  ]);
  const owners = members.filter((m) => m.role === "owner").length;
  return (
    <>
      <PageHeader
        title="Team"
        description={
          isOwner
            ? "Who can sign in to your organization. Invite people by email; owners manage billing, keys and the team."
            : "Who can sign in to your organization. Owners invite people and change roles."
        }
      />
      <div className="space-y-6">
        {isOwner && (
          <Card>
            <CardHeader
              title="Invite someone"
              description="They get an email with a link that works once, for 7 days."
            />
            <CardBody>
              <InviteForm />
            </CardBody>
          </Card>
        )}
        <Card>
          <CardHeader
            title="Members"
            description={`${members.length} ${members.length === 1 ? "person" : "people"}${invites.length ? `, ${invites.length} invited` : ""}`}
          />
          <ul className="divide-y divide-zinc-100">
            {members.map((m) => {
              const lastOwner = m.role === "owner" && owners === 1;
              return (
                <li key={m.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                  <div className="min-w-0">
                    <p className="break-words text-sm font-medium text-zinc-900">
                      {m.name}
                      {m.id === user.id && <span className="ml-1 text-zinc-500">(you)</span>}
                    </p>
                    <p className="break-all text-xs text-zinc-500">{m.email}</p>
                  </div>
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={m.role === "owner" ? "brand" : "gray"}>{m.role}</Badge>
                    {isOwner && !lastOwner && (
                      <>
                        <ActionButton
                          action={changeRoleAction}
                          fields={{ id: m.id, role: m.role === "owner" ? "member" : "owner" }}
                          label={m.role === "owner" ? "Make member" : "Make owner"}
                          size="sm"
                          ariaLabel={`${m.role === "owner" ? "Make member" : "Make owner"}: ${m.email}`}
                        />
                        <ActionButton
                          action={removeMemberAction}
                          fields={{ id: m.id }}
                          label="Remove"
                          size="sm"
                          variant="danger"
                          ariaLabel={`Remove ${m.email}`}
                          confirm={{
                            title: `Remove ${m.name}?`,
                            body: `${m.email} loses access to this organization at once and is signed out. What they did stays in its history; invite them again to bring them back.`,
                            confirmLabel: "Remove",
                          }}
                        />
                      </>
                    )}
                    {isOwner && lastOwner && <span className="text-xs text-zinc-500">the only owner</span>}
                  </div>
                </li>
              );
            })}
            {invites.map((i) => {
              const expired = i.expired;
              return (
                <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 bg-zinc-50/60 px-5 py-3">
                  <div className="min-w-0">
                    <p className="break-all text-sm font-medium text-zinc-900">{i.email}</p>
                    <p className="text-xs text-zinc-500">
                      Invited <LocalTime value={i.createdAt} /> ·{" "}
                      {expired ? (
                        "link expired"
                      ) : (
                        <>
                          link valid until <LocalTime value={i.expiresAt} />
                        </>
                      )}
                    </p>
                  </div>
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={expired ? "red" : "amber"}>{expired ? "expired" : "pending"}</Badge>
                    <Badge tone={i.role === "owner" ? "brand" : "gray"}>{i.role}</Badge>
                    <ActionButton
                      action={resendInvitationAction}
                      fields={{ id: i.id }}
                      label="Resend"
                      size="sm"
                      ariaLabel={`Resend the invitation to ${i.email}`}
                    />
                    <ActionButton
                      action={revokeInvitationAction}
                      fields={{ id: i.id }}
                      label="Revoke"
                      size="sm"
                      variant="danger"
                      ariaLabel={`Revoke the invitation to ${i.email}`}
                    />
                  </div>
                </li>
              );
            })}
          </ul>
        </Card>
      </div>
    </>
  );
}
