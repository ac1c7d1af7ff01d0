"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { signUpAction } from "../actions";

/** `plan`: the plan code chosen on the pricing page; after signing in the new owner lands on billing to start it. */
export function SignUpForm({ plan }: { plan?: string | null }) {
  const [state, action, pending] = useActionState(signUpAction, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const values = state && !state.ok ? (state.values ?? {}) : {};
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormError message={state && !state.ok ? state.error : undefined} />
      {plan && <input type="hidden" name="plan" value={plan} />}
      <Field
        label="Organization"
        name="organizationName"
        autoComplete="organization"
        required
        error={errors.organizationName}
        defaultValue={values.organizationName}
        autoFocus
      />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        required
        error={errors.name}
        defaultValue={values.name}
      />
      <Field
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={errors.email}
        defaultValue={values.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        error={errors.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create account"}
      </Button>
    </form>
  );
}
