"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { resetPasswordAction } from "../actions";

export function ResetPasswordForm({ token, minLength }: { token: string; minLength: number }) {
  const [state, action, pending] = useActionState(resetPasswordAction, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <FormError message={failed?.error} />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        hint={`At least ${minLength} characters.`}
        error={failed?.fieldErrors?.password}
      />
      <Field
        label="Repeat it"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        error={failed?.fieldErrors?.confirm}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Saving…" : "Set the new password"}
      </Button>
    </form>
  );
}
