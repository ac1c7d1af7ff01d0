"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { acceptInvitationAction, acceptInvitationAsNewUserAction } from "../actions";

export function AcceptInvitationForm({ token, email, minLength }: { token: string; email: string; minLength: number }) {
  const [state, action, pending] = useActionState(acceptInvitationAsNewUserAction, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <FormError message={failed?.error} />
      <Field label="Email" name="email-shown" type="email" value={email} readOnly disabled />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        required
        autoFocus
        defaultValue={failed?.values?.name}
        error={failed?.fieldErrors?.name}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${minLength} characters.`}
        error={failed?.fieldErrors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Create account and join"}
      </Button>
    </form>
  );
}

export function JoinForm({ token, orgName }: { token: string; orgName: string }) {
  const [state, action, pending] = useActionState(acceptInvitationAction, null);
  return (
    <form action={action} className="mt-6 space-y-4">
      <input type="hidden" name="token" value={token} />
      <FormError message={state && !state.ok ? state.error : undefined} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : `Join ${orgName}`}
      </Button>
    </form>
  );
}
