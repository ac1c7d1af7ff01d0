"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import {
  changeMemberRole,
  inviteMember,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from "@/lib/orgs/invitations";

const ZRole = z.enum(["owner", "member"], { message: "Choose owner or member." });
const ZInvite = z.object({ email: z.email("Enter a valid email address."), role: ZRole });
const ZId = z.object({ id: z.string().min(1) });

// Every action is the owner's and acts on the owner's own organization only.
export const inviteAction = formAction(
  ZInvite,
  async ({ email, role }, owner) => {
    const inv = await inviteMember({ id: owner.id, name: owner.name, orgId: owner.orgId }, { email, role });
    revalidatePath("/team");
    return inv.email;
  },
  { auth: "owner", message: (email) => `Invitation sent to ${email}. The link works once, for 7 days.` },
);

export const resendInvitationAction = formAction(
  ZId,
  async ({ id }, owner) => {
    await resendInvitation({ id: owner.id, name: owner.name, orgId: owner.orgId }, id);
    revalidatePath("/team");
  },
  { auth: "owner", message: () => "Sent again with a new link; the old link no longer works." },
);

export const revokeInvitationAction = formAction(
  ZId,
  async ({ id }, owner) => {
    await revokeInvitation(owner.orgId, id);
    revalidatePath("/team");
  },
  { auth: "owner", message: () => "Revoked: the link no longer works." },
);

export const changeRoleAction = formAction(
  ZId.extend({ role: ZRole }),
  async ({ id, role }, owner) => {
    await changeMemberRole(owner.orgId, id, role);
    revalidatePath("/team");
    return role;
  },
  { auth: "owner", message: (role) => `Now ${role === "owner" ? "an owner" : "a member"}.` },
);

export const removeMemberAction = formAction(
  ZId,
  async ({ id }, owner) => {
    await removeMember(owner.orgId, id);
    revalidatePath("/team");
  },
  { auth: "owner", message: () => "Removed from the organization." },
);
