"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/field";
import { inviteAction } from "./actions";

export function InviteForm() {
  const [state, action, pending] = useActionState(inviteAction, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormError message={failed && !failed.fieldErrors ? failed.error : undefined} />
      <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          defaultValue={failed?.values?.email}
          error={failed?.fieldErrors?.email}
        />
        <div>
          <label htmlFor="invite-role" className="block text-sm font-medium text-zinc-700">
            Role
          </label>
          <select
            id="invite-role"
            name="role"
            defaultValue={failed?.values?.role ?? "member"}
            className={`${inputClass} mt-1`}
          >
            <option value="member">Member</option>
            <option value="owner">Owner</option>
          </select>
          {failed?.fieldErrors?.role && <p className="mt-1 text-sm text-red-600">{failed.fieldErrors.role}</p>}
        </div>
        <Button type="submit" disabled={pending} className="sm:mt-6">
          {pending ? "Sending…" : "Send invitation"}
        </Button>
      </div>
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-700">
          {state.message}
        </p>
      )}
    </form>
  );
}
