"use server";
// The admin's overrides of one customer's terms: the forms go through the API's own request schema
// (lib/overrides/form.ts) and the same create/revoke steps; who did it is the signed-in admin.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { AppError, notFound } from "@/lib/http/errors";
import { findOrganization } from "@/lib/orgs/organizations";
import { formFieldOf, overrideFromForm } from "@/lib/overrides/form";
import { createOverride, revokeOverride } from "@/lib/overrides/overrides";
import { OVERRIDE_KIND_LABEL } from "@/lib/overrides/describe";

const page = (orgId: string) => `/admin/customers/${orgId}`;

export const createOverrideAction = formAction(
  z.object({ org_id: z.string().min(1) }).catchall(z.string()),
  async (input, admin) => {
    const org = await findOrganization({ id: input.org_id });
    if (!org) throw notFound("Customer");
    try {
      const o = await createOverride(org.id, overrideFromForm(input), `user:${admin.id}`);
      revalidatePath(page(org.id));
      return { kind: o.kind };
    } catch (e) {
      // The catalog's refusals name the API's fields (target, value, ends_at); the form's are named alike or mapped.
      if (e instanceof AppError && Array.isArray(e.details))
        throw new AppError(
          e.code,
          e.message,
          (e.details as { field: string; message: string }[]).map((d) => ({ ...d, field: formFieldOf(d.field) })),
        );
      throw e;
    }
  },
  { auth: "admin", message: (d) => `${OVERRIDE_KIND_LABEL[d.kind]} override saved; it applies from its start.` },
);

export const revokeOverrideAction = formAction(
  z.object({ org_id: z.string().min(1), override_id: z.string().min(1) }),
  async (input, admin) => {
    const o = await revokeOverride(input.org_id, input.override_id, `user:${admin.id}`);
    revalidatePath(page(input.org_id));
    return { kind: o.kind };
  },
  { auth: "admin", message: (d) => `${OVERRIDE_KIND_LABEL[d.kind]} override revoked: the plan's terms apply again.` },
);
